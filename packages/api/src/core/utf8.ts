/**
 * Length of the longest prefix of `buf` that does not end inside a UTF-8 sequence.
 * Bytes that can never complete (invalid sequences) are not held back: only a valid,
 * truncated lead at the very end is.
 */
export function completeUtf8Length(buf: Buffer): number {
  const len = buf.length;
  for (let i = len - 1; i >= 0 && i >= len - 4; i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for its lead
    const need = b < 0x80 ? 1 : (b & 0xe0) === 0xc0 ? 2 : (b & 0xf0) === 0xe0 ? 3 : (b & 0xf8) === 0xf0 ? 4 : 1;
    return i + need > len ? i : len;
  }
  return len;
}

/** Re-joins a byte stream cut at arbitrary places so every piece it hands out ends on a character boundary. */
export class Utf8Chunker {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const cut = completeUtf8Length(buf);
    this.pending = cut < buf.length ? Buffer.from(buf.subarray(cut)) : Buffer.alloc(0);
    return cut === buf.length ? buf : buf.subarray(0, cut);
  }

  /** What is held back (at most 3 bytes of an unfinished character). */
  flush(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }
}
