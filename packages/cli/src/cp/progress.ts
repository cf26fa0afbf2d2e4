import { formatBytes } from "../output.js";

const BAR = 24;

/**
 * Bytes moved so far, on stderr. At a terminal a line redrawn in place (a bar when the total is
 * known); on a pipe or file (`plain`), one line when it starts and one when it ends, so a log
 * says what happened without a screenful of carriage returns.
 */
export class Progress {
  private bytes = 0;
  private last = 0;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream | null,
    private readonly opts: { total?: number; plain?: NodeJS.WritableStream } = {},
  ) {
    const about = opts.total ? ` (about ${formatBytes(opts.total)})` : "";
    opts.plain?.write(`${label}${about}...\n`);
  }

  private line(): string {
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0.5 ? `, ${formatBytes(this.bytes / secs)}/s` : "";
    const total = this.opts.total;
    if (!total) return `${this.label} ${formatBytes(this.bytes)}${rate}`;
    const frac = Math.min(1, this.bytes / total);
    const filled = Math.round(frac * BAR);
    return `${this.label} [${"#".repeat(filled)}${"-".repeat(BAR - filled)}] ${Math.round(frac * 100)}% ${formatBytes(this.bytes)}${rate}`;
  }

  add(n: number): void {
    this.bytes += n;
    const now = Date.now();
    if (this.stream && now - this.last > 100) {
      this.last = now;
      this.stream.write(`\r\x1b[K${this.line()}`);
    }
  }

  done(): number {
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    if (this.stream) this.stream.write(`\r\x1b[K${this.label} ${formatBytes(this.bytes)}, done\n`);
    this.opts.plain?.write(`${this.label} ${formatBytes(this.bytes)} in ${secs}s, done\n`);
    return this.bytes;
  }

  /** Clears a redrawn line after a failure, so the error starts on a clean one. */
  abort(): void {
    if (this.stream) this.stream.write("\r\x1b[K");
  }
}

/** A progress for a command's stderr: redrawn at a terminal, plain lines otherwise, nothing when quiet. */
export function progressOn(err: NodeJS.WriteStream, label: string, opts: { total?: number; quiet?: boolean } = {}): Progress {
  if (opts.quiet) return new Progress(label, null);
  return err.isTTY ? new Progress(label, err, { total: opts.total }) : new Progress(label, null, { total: opts.total, plain: err });
}

/** Counts the bytes of an async iterable through a progress. */
export async function* counted<T extends Uint8Array>(chunks: AsyncIterable<T>, progress: Progress): AsyncGenerator<T> {
  for await (const c of chunks) {
    progress.add(c.length);
    yield c;
  }
}
