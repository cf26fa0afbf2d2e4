/**
 * Output kept for replay, addressed by absolute byte offsets (0 = the first byte the
 * session ever wrote). Bounded: whole chunks are evicted from the front, so the
 * oldest kept byte is always where an appended chunk began (a character boundary
 * when the chunks are).
 */
export class RingBuffer {
  private chunks: Buffer[] = [];
  private startOffset = 0;
  private bytes = 0;

  constructor(readonly capacity: number) {}

  /** Offset of the oldest byte still kept. */
  get start(): number {
    return this.startOffset;
  }

  /** Offset just past the newest byte (= bytes written so far). */
  get end(): number {
    return this.startOffset + this.bytes;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    // The newest chunk always stays, even alone over capacity: the bound is capacity plus one chunk.
    while (this.bytes > this.capacity && this.chunks.length > 1) {
      const old = this.chunks.shift()!;
      this.bytes -= old.length;
      this.startOffset += old.length;
    }
  }

  /**
   * Bytes from `from` on, at most about `max` (whole chunks, at least one), the offset
   * to continue from, and how many bytes before the kept window were lost.
   */
  read(from: number, max = Number.POSITIVE_INFINITY): { data: Buffer; next: number; missed: number } {
    const missed = from < this.startOffset ? this.startOffset - from : 0;
    let pos = Math.min(Math.max(from, this.startOffset), this.end);
    const out: Buffer[] = [];
    let size = 0;
    let chunkStart = this.startOffset;
    for (const c of this.chunks) {
      const chunkEnd = chunkStart + c.length;
      if (chunkEnd > pos) {
        const part = c.subarray(pos - chunkStart);
        if (out.length && size + part.length > max) break;
        out.push(part);
        size += part.length;
        pos = chunkEnd;
      }
      chunkStart = chunkEnd;
    }
    return { data: out.length === 1 ? out[0]! : Buffer.concat(out), next: pos, missed };
  }
}
