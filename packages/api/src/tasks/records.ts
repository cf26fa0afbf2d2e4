/**
 * The space agent's record framing (docs/SPACE-AGENT.md): one tag byte, a big-endian u32 length,
 * the payload. Everything comes from inside a space, so a record over the limit or an unknown
 * tag ends the stream as corrupt rather than growing a buffer.
 */
export type RecordTag = "o" | "e" | "h" | "g" | "x";

export interface AgentRecord {
  tag: RecordTag;
  payload: Buffer;
}

const TAGS = new Set<string>(["o", "e", "h", "g", "x"]);
export const MAX_RECORD_BYTES = 64 * 1024;
const HEADER = 5;

export class CorruptRecordError extends Error {}

export class RecordDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Feeds a chunk; returns the records it completed. Throws CorruptRecordError on bad framing. */
  push(chunk: Buffer): AgentRecord[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const out: AgentRecord[] = [];
    let buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    let at = 0;
    while (buf.length - at >= HEADER) {
      const tag = String.fromCharCode(buf[at]!);
      const len = buf.readUInt32BE(at + 1);
      if (!TAGS.has(tag) || len > MAX_RECORD_BYTES) throw new CorruptRecordError(`bad record (tag ${buf[at]}, length ${len})`);
      if (buf.length - at < HEADER + len) break;
      out.push({ tag: tag as RecordTag, payload: buf.subarray(at + HEADER, at + HEADER + len) });
      at += HEADER + len;
    }
    buf = buf.subarray(at);
    this.pending = buf.length ? [Buffer.from(buf)] : [];
    this.pendingBytes = buf.length;
    return out;
  }

  /** Bytes of an unfinished record (a stream cut mid-record). */
  get leftover(): number {
    return this.pendingBytes;
  }
}

/** Parses a JSON payload from the agent, or undefined if it is not an object. */
export function jsonPayload(payload: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(payload.toString("utf8")) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
