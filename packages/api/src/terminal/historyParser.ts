export interface HistoryEntry {
  command: string;
  /** The command's own time (epoch ms), from bash's "#<epoch>" line; absent when the file has none. */
  ts?: number;
}

/** bash writes "#<seconds since the epoch>" before each entry when HISTTIMEFORMAT is set. */
const TIMESTAMP = /^#(\d{1,12})$/;
const MAX_COMMAND_CHARS = 4096;

/**
 * Parses complete lines of a bash history file. As bash reads it back: lines after a
 * timestamp up to the next one are one (possibly multi-line) command; a "#" line that
 * is not all digits is a command (a comment typed at the prompt); lines with no
 * timestamp before them are one command each.
 */
export function parseHistory(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let current: { lines: string[]; ts: number } | null = null;
  const close = () => {
    if (current && current.lines.length) out.push({ command: clip(current.lines.join("\n")), ts: current.ts });
    current = null;
  };
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const m = TIMESTAMP.exec(line);
    if (m) {
      close();
      current = { lines: [], ts: Number(m[1]) * 1000 };
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim() !== "") {
      out.push({ command: clip(line) });
    }
  }
  close();
  return out;
}

const clip = (s: string) => (s.length > MAX_COMMAND_CHARS ? `${s.slice(0, MAX_COMMAND_CHARS)}…` : s);

/** The part of `buf` made of complete lines (up to and including the last newline). */
export function completeLines(buf: Buffer): Buffer {
  const nl = buf.lastIndexOf(0x0a);
  return nl < 0 ? buf.subarray(0, 0) : buf.subarray(0, nl + 1);
}

/**
 * The part of a read that can be parsed now: complete lines, minus a last entry that
 * may go on past what was read (or a timestamp whose command is not written yet), so
 * no command is ever split from its timestamp across two reads.
 */
export function parsableChunk(buf: Buffer, atEof: boolean): Buffer {
  const complete = completeLines(buf);
  let pos = 0;
  let lastTs = -1;
  let lastIsTimestamp = false;
  while (pos < complete.length) {
    const nl = complete.indexOf(0x0a, pos);
    const line = complete.subarray(pos, nl).toString("utf8").replace(/\r$/, "");
    lastIsTimestamp = TIMESTAMP.test(line);
    if (lastIsTimestamp) lastTs = pos;
    pos = nl + 1;
  }
  if (lastTs < 0) return complete;
  if (atEof) return lastIsTimestamp ? complete.subarray(0, lastTs) : complete;
  // One entry larger than a whole read is taken as it is rather than never.
  return lastTs > 0 ? complete.subarray(0, lastTs) : complete;
}
