/**
 * The space agent's wire format (docs/SPACE-AGENT.md, "serve"): frames of a 1-byte type, a 4-byte
 * big-endian length and a payload. Everything read here comes from inside a space: lengths and
 * types are checked before a byte is kept, and at most one partial frame is ever held.
 */
export const T = {
  spawn: "S",
  stdin: "I",
  stdinEof: "i",
  kill: "K",
  started: "P",
  failed: "F",
  stdout: "o",
  stderr: "e",
  exit: "X",
  error: "E",
} as const;

const HDR = 5;
export const MAX_CHUNK = 64 * 1024;
/** What the agent accepts for a spawn (argv, cwd and env together); larger requests take the fallback. */
export const MAX_SPAWN_BYTES = 1024 * 1024;
const MAX_ERROR_BYTES = 4096;

/** The only frames an agent may send, each with the payload size it may have. */
const INBOUND: Record<string, (len: number) => boolean> = {
  // pid; then, when the process reads the connection itself (a direct stdin), a 1
  [T.started]: (n) => n === 4 || n === 8,
  [T.failed]: (n) => n === 8,
  [T.stdout]: (n) => n <= MAX_CHUNK,
  [T.stderr]: (n) => n <= MAX_CHUNK,
  [T.exit]: (n) => n === 8,
  [T.error]: (n) => n <= MAX_ERROR_BYTES,
};

export type InboundType = (typeof T)[keyof typeof T];

export interface Frame {
  type: InboundType;
  payload: Buffer;
}

export class AgentProtocolError extends Error {}

export function frameHeader(type: string, length: number): Buffer {
  const h = Buffer.alloc(HDR);
  h.write(type, 0, "latin1");
  h.writeUInt32BE(length, 1);
  return h;
}

export function encodeFrame(type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([frameHeader(type, payload.length), payload]);
}

export interface SpawnRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  stdin: boolean;
  /** Asks that the process read the connection itself (no stdin frames); an agent that cannot answers a 4-byte start and takes frames. */
  stdinDirect?: boolean;
  /** Epoch ms after which the agent must refuse it (the caller has given up and gone elsewhere). */
  notAfterMs: number;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** The spawn payload, or null when it cannot be said in this protocol (a NUL inside, too large). */
export function encodeSpawn(r: SpawnRequest): Buffer | null {
  const strings = [r.cwd, ...r.argv, ...Object.entries(r.env).map(([k, v]) => `${k}=${v}`)];
  if (strings.some((s) => s.includes("\0")) || Object.keys(r.env).some((k) => k === "" || k.includes("="))) return null;
  const z = (list: string[]) => Buffer.concat(list.map((s) => Buffer.from(`${s}\0`, "utf8")));
  const notAfter = BigInt(r.notAfterMs);
  const payload = Buffer.concat([
    u32(Number(notAfter >> 32n)),
    u32(Number(notAfter & 0xffffffffn)),
    u32(r.stdin ? 1 | (r.stdinDirect ? 2 : 0) : 0),
    z([r.cwd]),
    u32(r.argv.length),
    z(r.argv),
    u32(Object.keys(r.env).length),
    z(strings.slice(1 + r.argv.length)),
  ]);
  return payload.length <= MAX_SPAWN_BYTES ? encodeFrame(T.spawn, payload) : null;
}

/** Output frames are handed on piece by piece as they arrive, the rest whole. */
const STREAMED: ReadonlySet<string> = new Set([T.stdout, T.stderr]);
const EMPTY = Buffer.alloc(0);

/**
 * Splits a byte stream into checked frames, handed over in order; at the first bad header it throws
 * AgentProtocolError, after the good frames before it (a start followed by garbage is still a start).
 * An output frame comes out as one or more pieces, views of the chunks it arrived in (no copy of a
 * 100 MB download, and socket reads never line up with frames); the small control frames come whole.
 */
export class FrameDecoder {
  private readonly hdr = Buffer.alloc(HDR);
  private hdrGot = 0;
  /** The frame being read, and how much of its payload is still to come. */
  private type: InboundType | null = null;
  private left = 0;
  private control: Buffer[] = [];

  push(chunk: Buffer, onFrame: (f: Frame) => void = () => undefined): Frame[] {
    const out: Frame[] = [];
    const emit = (f: Frame) => {
      out.push(f);
      onFrame(f);
    };
    let off = 0;
    while (off < chunk.length) {
      if (this.type === null) {
        const take = Math.min(HDR - this.hdrGot, chunk.length - off);
        chunk.copy(this.hdr, this.hdrGot, off, off + take);
        this.hdrGot += take;
        off += take;
        if (this.hdrGot < HDR) break;
        this.hdrGot = 0;
        this.begin(emit);
        continue;
      }
      const take = Math.min(this.left, chunk.length - off);
      const piece = chunk.subarray(off, off + take);
      off += take;
      this.left -= take;
      if (STREAMED.has(this.type)) emit({ type: this.type, payload: piece });
      else this.control.push(piece);
      if (this.left === 0) this.end(emit);
    }
    return out;
  }

  private begin(emit: (f: Frame) => void): void {
    const type = String.fromCharCode(this.hdr[0]!);
    const len = this.hdr.readUInt32BE(1);
    const ok = INBOUND[type];
    if (!ok) throw new AgentProtocolError(`unknown frame type 0x${this.hdr[0]!.toString(16)}`);
    if (!ok(len)) throw new AgentProtocolError(`frame ${type} of ${len} bytes`);
    this.type = type as InboundType;
    this.left = len;
    if (len === 0) this.end(emit);
  }

  private end(emit: (f: Frame) => void): void {
    const type = this.type!;
    this.type = null;
    if (STREAMED.has(type)) return;
    const payload = this.control.length === 1 ? this.control[0]! : this.control.length ? Buffer.concat(this.control) : EMPTY;
    this.control = [];
    emit({ type, payload });
  }
}
