import type { Logger } from "pino";
import { ConflictError, SpaceNotFoundError } from "../engine/errors.js";
import type { ExecPort } from "../engine/ports/exec.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { HistoryCursorRepo } from "./historyCursorRepo.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import { parseHistory, parsableChunk } from "./historyParser.js";

export const HISTORY_FILE = "/workspace/.bash_history";

// One exec into the running space: the file's size and inode, then its bytes from our offset.
// A file smaller than the offset, or another inode, was truncated or rotated: start again at 0.
const READ_SCRIPT = `
f=${HISTORY_FILE}
# A regular file only: a link (to a FIFO, to /dev/zero, out of the volume) or a FIFO is not read.
if [ -L "$f" ] || [ ! -f "$f" ]; then echo "0 0 0"; exit 0; fi
set -- $(stat -c '%s %i' "$f" 2>/dev/null || echo "0 0")
size=$1 inode=$2 off=$OFF
if [ "$size" -lt "$off" ] || [ "$inode" != "$INODE" ]; then off=0; fi
echo "$size $inode $off"
if [ "$size" -gt "$off" ]; then tail -c +$((off + 1)) "$f" | head -c "$MAX"; fi
exit 0
`;

export interface HistoryReaderOptions {
  pollMs: number;
  maxReadBytes: number;
  /** Lines turned into events per space per pass; the rest are counted in a space.shell.dropped event. */
  maxLinesPerPass?: number;
}

/** Spaces read at once: one that stalls (until the call's deadline) holds one slot, not the pass. */
const PARALLEL = 4;

/**
 * Turns new lines of each space's bash history into `space.shell` audit events.
 * Only spaces with terminal input since their last read are looked at, and only
 * while running (a sleeping space costs nothing); the events and the new offset are
 * written in one transaction, so no line is emitted twice, even across restarts.
 */
export class HistoryReader {
  private readonly dirty = new Set<string>();
  private readonly asleep = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly exec: ExecPort,
    private readonly audit: AuditLog,
    private readonly cursors: HistoryCursorRepo,
    events: SpaceEvents,
    private readonly log: Logger,
    private readonly opts: HistoryReaderOptions,
    private readonly clock: () => number = Date.now,
  ) {
    this.unsubscribe = events.on((e) => {
      if (e.state === "running") this.asleep.delete(e.space);
      else if (e.state === "destroyed") {
        this.asleep.delete(e.space);
        this.dirty.delete(e.space);
      } else this.asleep.add(e.space);
    });
  }

  /** Terminal input arrived: the space's history may grow. */
  markDirty(space: string): void {
    this.dirty.add(space);
  }

  pending(): string[] {
    return [...this.dirty];
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.opts.pollMs);
    this.timer.unref();
  }

  /** Stops polling after one last pass, so lines typed just before a shutdown are not left for the next start. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await this.tick();
    this.unsubscribe();
  }

  /** One pass over the dirty, awake spaces; overlapping calls share the pass in flight. */
  tick(): Promise<void> {
    this.ticking ??= this.pass().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async pass(): Promise<void> {
    const queue = [...this.dirty].filter((space) => !this.asleep.has(space));
    const worker = async () => {
      for (let space = queue.shift(); space !== undefined; space = queue.shift()) await this.readSafely(space);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  }

  private async readSafely(space: string): Promise<void> {
    this.dirty.delete(space);
    try {
      if (await this.readOnce(space)) this.dirty.add(space);
    } catch (err) {
      if (err instanceof SpaceNotFoundError) return;
      // Asleep after all (paused under us): read when it wakes and is typed into again.
      this.dirty.add(space);
      if (err instanceof ConflictError) this.asleep.add(space);
      else this.log.warn({ err, space }, "could not read the space's bash history");
    }
  }


  /** Reads once; true when more is left to read. */
  async readOnce(space: string): Promise<boolean> {
    const cursor = this.cursors.get(space);
    const chunks: Buffer[] = [];
    const { exitCode } = await this.exec.run(
      space,
      {
        argv: ["/bin/sh", "-c", READ_SCRIPT],
        env: { OFF: String(cursor.offset), INODE: String(cursor.inode ?? ""), MAX: String(this.opts.maxReadBytes) },
        cwd: "/",
      },
      (stream, chunk) => {
        if (stream === "stdout") chunks.push(chunk);
      },
    );
    if (exitCode !== 0) return false;
    const out = Buffer.concat(chunks);
    const nl = out.indexOf(0x0a);
    if (nl < 0) return false;
    const [size, inode, start] = out.subarray(0, nl).toString("utf8").trim().split(" ").map(Number) as [number, number, number];
    const raw = out.subarray(nl + 1);
    let body = parsableChunk(raw, start + raw.length >= size);
    let droppedBytes = 0;
    // A whole read with no line end in it (one line over the read size) would stop ingestion for good: skip it.
    if (body.length === 0 && raw.length >= this.opts.maxReadBytes) {
      body = raw;
      droppedBytes = raw.length;
    }
    const parsed = droppedBytes ? [] : parseHistory(body.toString("utf8"));
    // A flood (yes >> .bash_history) gets a budget per pass, so it cannot crowd out other spaces' events.
    const entries = parsed.slice(0, this.opts.maxLinesPerPass ?? 500);
    const droppedLines = parsed.length - entries.length;
    const next = { offset: start + body.length, inode };
    const now = this.clock();
    this.cursors.transaction(() => {
      for (const e of entries) this.audit.append({ space, type: "space.shell", meta: { command: e.command }, ts: e.ts ?? now });
      if (droppedLines || droppedBytes) this.audit.append({ space, type: "space.shell.dropped", meta: { lines: droppedLines, bytes: droppedBytes, reason: droppedBytes ? "a line longer than a read" : "over the per-pass budget" } });
      this.cursors.set(space, next, now);
    });
    if (entries.length) this.log.debug({ space, lines: entries.length, offset: next.offset }, "bash history read");
    return next.offset < size && body.length > 0;
  }
}
