import { connect, type Socket } from "node:net";

/** A bare client of the serve protocol for the tests: frames in, frames out, nothing hidden. */
export interface Frame {
  type: string;
  payload: Buffer;
}

export function frame(type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(5);
  h.write(type, 0, "latin1");
  h.writeUInt32BE(payload.length, 1);
  return Buffer.concat([h, payload]);
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const strs = (list: string[]) => Buffer.concat(list.map((s) => Buffer.from(`${s}\0`)));

export interface SpawnOpts {
  cwd?: string;
  env?: string[];
  stdin?: boolean;
  /** With stdin: the process reads the connection itself. */
  direct?: boolean;
  notAfterMs?: number;
}

export function spawnPayload(argv: string[], o: SpawnOpts = {}): Buffer {
  const notAfter = BigInt(o.notAfterMs ?? 0);
  return Buffer.concat([
    u32(Number(notAfter >> 32n)),
    u32(Number(notAfter & 0xffffffffn)),
    u32(o.stdin ? 1 | (o.direct ? 2 : 0) : 0),
    strs([o.cwd ?? "/"]),
    u32(argv.length),
    strs(argv),
    u32(o.env?.length ?? 0),
    strs(o.env ?? []),
  ]);
}

export class Conn {
  readonly frames: Frame[] = [];
  closed: Promise<void>;
  private buf = Buffer.alloc(0);
  constructor(readonly sock: Socket) {
    sock.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 5 && this.buf.length >= 5 + this.buf.readUInt32BE(1)) {
        const len = this.buf.readUInt32BE(1);
        this.frames.push({ type: String.fromCharCode(this.buf[0]!), payload: this.buf.subarray(5, 5 + len) });
        this.buf = this.buf.subarray(5 + len);
      }
    });
    sock.on("error", () => undefined);
    this.closed = new Promise((r) => sock.on("close", () => r()));
  }
  send(type: string, payload?: Buffer): void {
    this.sock.write(frame(type, payload));
  }
  output(type: "o" | "e"): string {
    return Buffer.concat(this.frames.filter((f) => f.type === type).map((f) => f.payload)).toString();
  }
  exit(): { code: number; signal: number } | undefined {
    const x = this.frames.find((f) => f.type === "X");
    return x && { code: x.payload.readInt32BE(0), signal: x.payload.readUInt32BE(4) };
  }
}

export async function open(path: string): Promise<Conn> {
  const sock = connect(path);
  await new Promise<void>((res, rej) => {
    sock.once("connect", res);
    sock.once("error", rej);
  });
  return new Conn(sock);
}

/** Spawns argv, sends stdin if given, and waits for the agent to close the connection. */
export async function run(path: string, argv: string[], o: SpawnOpts & { input?: string } = {}): Promise<Conn> {
  const c = await open(path);
  c.send("S", spawnPayload(argv, { ...o, stdin: o.stdin ?? o.input !== undefined }));
  if (o.input !== undefined) {
    c.send("I", Buffer.from(o.input));
    c.send("i");
  }
  await c.closed;
  return c;
}
