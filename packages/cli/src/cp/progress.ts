import { formatBytes } from "../output.js";

/** Bytes moved so far, on stderr, only for a person at a terminal. */
export class Progress {
  private bytes = 0;
  private last = 0;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream | null,
  ) {}

  add(n: number): void {
    this.bytes += n;
    const now = Date.now();
    if (this.stream && now - this.last > 100) {
      this.last = now;
      this.stream.write(`\r\x1b[K${this.label} ${formatBytes(this.bytes)}`);
    }
  }

  done(): number {
    if (this.stream) this.stream.write(`\r\x1b[K${this.label} ${formatBytes(this.bytes)}, done\n`);
    return this.bytes;
  }
}
