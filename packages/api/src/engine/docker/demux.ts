import type { OutputStream } from "../ports/exec.js";

const HEADER = 8;

/**
 * Splits Docker's multiplexed exec/attach stream (8-byte header: stream type, 3 zero
 * bytes, big-endian length) into stdout and stderr chunks. Headers and payloads may
 * be split across reads at any byte, so state carries over between pushes.
 */
export class StreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private current: OutputStream = "stdout";

  constructor(private readonly emit: (stream: OutputStream, chunk: Buffer) => void) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (buf.length > 0) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, buf.length);
        this.emit(this.current, buf.subarray(0, take));
        this.remaining -= take;
        buf = buf.subarray(take);
        continue;
      }
      if (buf.length < HEADER) {
        this.pending = Buffer.from(buf);
        return;
      }
      this.current = buf[0] === 2 ? "stderr" : "stdout";
      this.remaining = buf.readUInt32BE(4);
      buf = buf.subarray(HEADER);
    }
  }
}
