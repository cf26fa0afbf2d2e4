import type { OutputStream } from "../engine/ports/exec.js";

/** Length of the longest prefix of `buf` that does not end inside a UTF-8 sequence. */
export function completeUtf8Prefix(buf: Buffer): number {
  let i = buf.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (buf[i]! & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return buf.length;
  const lead = buf[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return buf.length - i >= need ? buf.length : i;
}

/**
 * Keeps up to `cap` bytes per stream. Decoding happens once at the end, so a
 * multi-byte character split across chunks is never broken.
 */
export class OutputCollector {
  private readonly parts: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  private readonly sizes: Record<OutputStream, number> = { stdout: 0, stderr: 0 };
  truncated = false;

  constructor(private readonly cap: number) {}

  readonly sink = (stream: OutputStream, chunk: Buffer): void => {
    const room = this.cap - this.sizes[stream];
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const take = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (take.length < chunk.length) this.truncated = true;
    this.parts[stream].push(take);
    this.sizes[stream] += take.length;
  };

  text(stream: OutputStream): string {
    const all = Buffer.concat(this.parts[stream]);
    // A cut at the cap may land inside a character: drop the partial tail rather than emit U+FFFD.
    const end = this.sizes[stream] >= this.cap ? completeUtf8Prefix(all) : all.length;
    return all.subarray(0, end).toString("utf8");
  }
}
