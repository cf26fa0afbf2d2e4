import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A stand-in for a space's agent: a unix socket whose answers the test scripts (honest, garbage, silence). */
export interface FakeAgent {
  path: string;
  /** What each connection sent us. */
  received: Buffer[];
  close(): Promise<void>;
}

export function frame(type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(5);
  h.write(type, 0, "latin1");
  h.writeUInt32BE(payload.length, 1);
  return Buffer.concat([h, payload]);
}

export const u32s = (...n: number[]) => Buffer.concat(n.map((v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; }));

export async function fakeAgent(onConnect: (sock: Socket) => void, path?: string, allowHalfOpen = false): Promise<FakeAgent> {
  const dir = path ? undefined : mkdtempSync(join(tmpdir(), "cs-fake-agent-"));
  const sockPath = path ?? join(dir!, "agent.sock");
  const received: Buffer[] = [];
  const server: Server = createServer({ allowHalfOpen }, (sock) => {
    const i = received.push(Buffer.alloc(0)) - 1;
    sock.on("data", (d: Buffer) => (received[i] = Buffer.concat([received[i]!, d])));
    sock.on("error", () => undefined);
    onConnect(sock);
  });
  await new Promise<void>((r) => server.listen(sockPath, r));
  return {
    path: sockPath,
    received,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An honest agent for one scripted process: started, the given output, then the exit code. */
export const honest = (out: Array<[string, string]>, exitCode: number) => (sock: Socket) => {
  sock.once("data", () => {
    sock.write(frame("P", u32s(4242)));
    for (const [t, text] of out) sock.write(frame(t, Buffer.from(text)));
    sock.end(frame("X", u32s(exitCode, 0)));
  });
};
