import type { TaskLogStreamLine } from "@clawdspace/shared";
import { bytes } from "../../../components/format";

/** What the log view shows: runs of one stream's text, and markers where the log cap dropped output. */
export interface LogChunk {
  id: number;
  kind: "stdout" | "stderr" | "gap";
  text: string;
}

export interface LogState {
  /** Bytes of output (both streams) accounted for: the offset to resume from. */
  offset: number;
  chunks: LogChunk[];
  /** Characters held in chunks, for the view's own cap. */
  chars: number;
  /** The view dropped its oldest chunks to stay small (the server still has them). */
  trimmed: boolean;
  nextId: number;
}

export const emptyLog = (): LogState => ({ offset: 0, chunks: [], chars: 0, trimmed: false, nextId: 0 });

// A browser tab should not hold an unbounded build log; past this the oldest chunks go.
export const MAX_VIEW_CHARS = 1_000_000;
// Runs are split at this size so trimming can drop old output without rebuilding one huge string.
const MAX_CHUNK_CHARS = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Folds one line of a followed log into the view. Offsets are byte positions after each line, so a
 * line ending at or before the current offset was already shown (a reconnect that overlaps), and
 * one that starts before it is cut to the part not yet shown: output is never shown twice.
 */
export function applyLine(s: LogState, line: TaskLogStreamLine, maxChars = MAX_VIEW_CHARS): LogState {
  if ("end" in line) return line.nextOffset > s.offset ? { ...s, offset: line.nextOffset } : s;
  if ("gap" in line) {
    if (line.gap.to <= s.offset) return s;
    const dropped = line.gap.to - Math.max(line.gap.from, s.offset);
    return push({ ...s, offset: line.gap.to }, "gap", `[${bytes(dropped)} of output no longer kept]\n`, maxChars);
  }
  if (line.offset <= s.offset) return s;
  const raw = encoder.encode(line.data);
  const start = line.offset - raw.length;
  const data = start < s.offset ? decoder.decode(raw.subarray(s.offset - start)) : line.data;
  return push({ ...s, offset: line.offset }, line.stream, data, maxChars);
}

function push(s: LogState, kind: LogChunk["kind"], text: string, maxChars: number): LogState {
  if (!text) return s;
  const chunks = s.chunks.slice();
  const last = chunks[chunks.length - 1];
  let nextId = s.nextId;
  if (last && last.kind === kind && kind !== "gap" && last.text.length + text.length <= MAX_CHUNK_CHARS) chunks[chunks.length - 1] = { ...last, text: last.text + text };
  else chunks.push({ id: nextId++, kind, text });
  let chars = s.chars + text.length;
  let trimmed = s.trimmed;
  while (chars > maxChars && chunks.length > 1) {
    chars -= chunks.shift()!.text.length;
    trimmed = true;
  }
  return { offset: s.offset, chunks, chars, trimmed, nextId };
}

/** Within this many pixels of the bottom counts as "at the end": the view keeps following. */
export function isNearBottom(m: { scrollTop: number; scrollHeight: number; clientHeight: number }, slack = 24): boolean {
  return m.scrollHeight - m.scrollTop - m.clientHeight <= slack;
}
