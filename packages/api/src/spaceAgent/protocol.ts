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
  [T.started]: (n) => n === 4,
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
    u32(r.stdin ? 1 : 0),
    z([r.cwd]),
    u32(r.argv.length),
    z(r.argv),
    u32(Object.keys(r.env).length),
    z(strings.slice(1 + r.argv.length)),
  ]);
  return payload.length <= MAX_SPAWN_BYTES ? encodeFrame(T.spawn, payload) : null;
}

/**
 * Splits a byte stream into checked frames, handed over in order; at the first bad header it throws
 * AgentProtocolError, after the good frames before it (a start followed by garbage is still a start).
 */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, onFrame: (f: Frame) => void = () => undefined): Frame[] {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Frame[] = [];
    while (buf.length >= HDR) {
      const type = String.fromCharCode(buf[0]!);
      const len = buf.readUInt32BE(1);
      const ok = INBOUND[type];
      if (!ok) throw new AgentProtocolError(`unknown frame type 0x${buf[0]!.toString(16)}`);
      if (!ok(len)) throw new AgentProtocolError(`frame ${type} of ${len} bytes`);
      if (buf.length < HDR + len) break;
      // A view, not a copy: what it keeps alive is the one chunk it came in, bounded like the frame.
      const f = { type: type as InboundType, payload: buf.subarray(HDR, HDR + len) };
      out.push(f);
      buf = buf.subarray(HDR + len);
      this.pending = buf;
      onFrame(f);
    }
    this.pending = buf;
    return out;
  }
}
