import { once } from "node:events";
import type { IncomingMessage } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { ClawdspaceApiError, ClawdspaceClient } from "@clawdspace/shared/client";
import { DetachMatcher, parseDetachKeys } from "../../src/shell/detachKeys.js";
import { SessionOffsets } from "../../src/shell/offsets.js";
import { runTerminal, type TerminalOptions } from "../../src/shell/terminal.js";

describe("detach keys", () => {
  it("parses docker-style specs into the bytes a terminal sends", () => {
    expect(parseDetachKeys("ctrl-]")).toEqual([0x1d]);
    expect(parseDetachKeys("ctrl-p,ctrl-q")).toEqual([0x10, 0x11]);
    expect(parseDetachKeys("ctrl-a,d")).toEqual([0x01, 0x64]);
    expect(() => parseDetachKeys("ctrl-1")).toThrow(/control key/);
    expect(() => parseDetachKeys("")).toThrow(/empty/);
  });

  it("holds back a partial sequence and gives it back when it does not complete", () => {
    const m = new DetachMatcher([0x10, 0x11]);
    expect(m.feed(Buffer.from("ab\x10"))).toEqual({ forward: Buffer.from("ab"), detach: false });
    expect(m.feed(Buffer.from("x"))).toEqual({ forward: Buffer.from("\x10x"), detach: false });
    expect(m.feed(Buffer.from("\x10"))).toEqual({ forward: Buffer.from(""), detach: false });
    expect(m.feed(Buffer.from("\x11rest"))).toEqual({ forward: Buffer.from(""), detach: true });
    const one = new DetachMatcher([0x1d]);
    expect(one.feed(Buffer.from("ls\x1d"))).toEqual({ forward: Buffer.from("ls"), detach: true });
  });
});

describe("session offsets", () => {
  it("remembers the last offset per server, space and session, and forgets old ones", () => {
    const store = new SessionOffsets(join(mkdtempSync(join(tmpdir(), "cs-off-")), "s.json"));
    expect(store.get("http://a", "dev", "s1")).toBeUndefined();
    store.set("http://a", "dev", "s1", 120, 1_000);
    store.set("http://a", "dev", "s2", 7, 1_000 + 8 * 86_400_000);
    expect(store.get("http://a", "dev", "s1")).toBeUndefined();
    expect(store.get("http://a", "dev", "s2")).toBe(7);
    expect(store.get("http://b", "dev", "s2")).toBeUndefined();
  });
});

interface Fake {
  url: string;
  upgrades: IncomingMessage[];
  sockets: WebSocket[];
  received: Array<{ data: string; binary: boolean }>;
  close(): Promise<void>;
}

/** A terminal endpoint on loopback that speaks the contract's protocol in a few lines. */
async function fakeServer(onConnect: (ws: WebSocket, req: IncomingMessage) => void, refuse?: number): Promise<Fake> {
  const wss = new WebSocketServer({
    port: 0,
    host: "127.0.0.1",
    verifyClient: refuse ? (_info, cb) => cb(false, refuse, "refused", { "content-type": "application/json" }) : undefined,
  });
  await once(wss, "listening");
  const f: Fake = {
    url: `http://127.0.0.1:${(wss.address() as { port: number }).port}`,
    upgrades: [],
    sockets: [],
    received: [],
    close: () => new Promise((r) => {
      for (const s of f.sockets) s.terminate();
      wss.close(() => r());
    }),
  };
  wss.on("connection", (ws, req) => {
    f.upgrades.push(req);
    f.sockets.push(ws);
    ws.on("message", (data: Buffer, binary: boolean) => f.received.push({ data: data.toString(), binary }));
    onConnect(ws, req);
  });
  return f;
}

function options(f: Fake, over: Partial<TerminalOptions> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const notices: string[] = [];
  let resize: (() => void) | undefined;
  let size = { cols: 100, rows: 30 };
  const client = new ClawdspaceClient({ baseUrl: f.url, key: "the-secret-key" });
  const o: TerminalOptions = {
    wsUrl: client.terminalUrl("dev", { session: over.session, since: over.since }),
    key: "the-secret-key",
    detachKeys: [0x1d],
    input,
    output,
    notice: (l) => notices.push(l),
    size: () => size,
    onResize: (l) => {
      resize = l;
      return () => (resize = undefined);
    },
    ...over,
  };
  let out = "";
  output.on("data", (c: Buffer) => (out += c.toString()));
  return {
    o,
    input,
    notices,
    out: () => out,
    resizeTo: (cols: number, rows: number) => {
      size = { cols, rows };
      resize?.();
    },
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

let fake: Fake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("the terminal client", () => {
  it("sends the key as a bearer header, resizes, forwards keys, shows status lines and detaches with the session and offset", async () => {
    fake = await fakeServer((ws) => {
      ws.send(JSON.stringify({ type: "session", id: "sess-1", offset: 10 }));
      ws.send(Buffer.from("$ "), { binary: true });
      ws.on("message", (data: Buffer, binary: boolean) => {
        if (binary) ws.send(Buffer.from(`echo:${data.toString()}`), { binary: true });
      });
      ws.send(JSON.stringify({ type: "status", state: "paused" }));
    });
    const t = options(fake);
    const ended = runTerminal(t.o);
    await until(() => t.out().includes("$ "));
    t.input.write("ls\r");
    await until(() => t.out().includes("echo:ls\r"));
    t.resizeTo(120, 40);
    await until(() => fake!.received.some((m) => m.data.includes('"cols":120')));
    t.input.write("x\x1d");
    const end = await ended;

    const req = fake.upgrades[0]!;
    expect(req.headers.authorization).toBe("Bearer the-secret-key");
    expect(req.url).toBe("/api/spaces/dev/terminal");
    expect(req.url).not.toContain("the-secret-key");
    const texts = fake.received.filter((m) => !m.binary).map((m) => JSON.parse(m.data));
    expect(texts[0]).toEqual({ type: "resize", cols: 100, rows: 30 });
    expect(texts).toContainEqual({ type: "resize", cols: 120, rows: 40 });
    // the detach key itself never reaches the shell
    expect(fake.received.filter((m) => m.binary).map((m) => m.data)).toEqual(["ls\r", "x"]);
    expect(t.notices).toContain("[space paused: output resumes when it wakes]");
    expect(end).toEqual({ reason: "detached", session: "sess-1", offset: 10 + "$ ".length + "echo:ls\r".length + "echo:x".length });
  });

  it("reattaches with ?session=&since= and reports a gap and the shell's exit", async () => {
    fake = await fakeServer((ws) => {
      ws.send(JSON.stringify({ type: "session", id: "sess-2", offset: 500 }));
      ws.send(JSON.stringify({ type: "status", state: "gap", missed: 64 }));
      ws.send(JSON.stringify({ type: "status", state: "exited" }));
      ws.close(1000);
    });
    const t = options(fake, { session: "sess-2", since: 436 });
    const end = await runTerminal(t.o);
    expect(fake.upgrades[0]!.url).toBe("/api/spaces/dev/terminal?session=sess-2&since=436");
    expect(t.notices.join("\n")).toMatch(/64 bytes of output were lost/);
    expect(t.notices).toContain("[shell exited]");
    expect(end).toEqual({ reason: "exited", session: "sess-2", offset: 500 + 64 });
  });

  it("a connection dropped by the server is 'lost', so the caller can reconnect from the cursor", async () => {
    fake = await fakeServer((ws) => {
      ws.send(JSON.stringify({ type: "session", id: "sess-3", offset: 0 }));
      ws.send(Buffer.from("abc"), { binary: true });
      setTimeout(() => ws.terminate(), 50);
    });
    const end = await runTerminal(options(fake).o);
    expect(end).toEqual({ reason: "lost", session: "sess-3", offset: 3 });
  });

  it("a refused upgrade is the server's HTTP error", async () => {
    fake = await fakeServer(() => undefined, 401);
    const err = await runTerminal(options(fake).o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClawdspaceApiError);
    expect((err as ClawdspaceApiError).status).toBe(401);
  });
});
