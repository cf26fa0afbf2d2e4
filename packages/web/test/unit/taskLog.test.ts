import type { TaskLogStreamLine } from "@clawdspace/shared";
import { describe, expect, it } from "vitest";
import { applyLine, emptyLog, isNearBottom, type LogState } from "../../src/pages/space/tasks/taskLog";

/** Lines as the server writes them: offset is the byte position after each one, both streams counted. */
function lines(parts: Array<["stdout" | "stderr", string]>, from = 0): TaskLogStreamLine[] {
  let at = from;
  return parts.map(([stream, data]) => ({ stream, data, offset: (at += new TextEncoder().encode(data).length) }));
}
const fold = (s: LogState, ls: TaskLogStreamLine[], max?: number) => ls.reduce((acc, l) => applyLine(acc, l, max), s);
const text = (s: LogState) => s.chunks.map((c) => c.text).join("");

describe("applyLine", () => {
  it("merges a stream's consecutive output and keeps stderr apart", () => {
    const s = fold(emptyLog(), lines([["stdout", "a\n"], ["stdout", "b\n"], ["stderr", "oops\n"], ["stdout", "c\n"]]));
    expect(s.chunks.map((c) => [c.kind, c.text])).toEqual([["stdout", "a\nb\n"], ["stderr", "oops\n"], ["stdout", "c\n"]]);
    expect(s.offset).toBe(11);
  });

  it("drops lines a reconnect sends again, and shows only the new part of one that overlaps", () => {
    const first = fold(emptyLog(), lines([["stdout", "line-1\n"], ["stdout", "line-2\n"]]));
    expect(first.offset).toBe(14);
    // Resent after a reconnect: line-2 whole (already shown), then a piece starting at byte 12 ("2\n" shown, "line-3\n" new).
    const s = fold(first, [{ stream: "stdout", data: "line-2\n", offset: 14 }, { stream: "stdout", data: "2\nline-3\n", offset: 21 }, ...lines([["stdout", "line-4\n"]], 21)]);
    expect(text(s)).toBe("line-1\nline-2\nline-3\nline-4\n");
    expect(s.offset).toBe(28);
  });

  it("counts bytes, not characters, when cutting an overlap of multi-byte output", () => {
    const s = fold(emptyLog(), lines([["stdout", "héllo "]])); // 7 bytes
    const next = applyLine(s, { stream: "stdout", data: "llo wörld", offset: 7 + 6 });
    expect(text(next)).toBe("héllo wörld");
  });

  it("marks a gap the log cap made and moves past it; a gap already passed is ignored", () => {
    let s = applyLine(emptyLog(), { gap: { from: 0, to: 2048 } });
    expect(s.offset).toBe(2048);
    expect(s.chunks[0]).toMatchObject({ kind: "gap", text: "[2.0 KiB of output no longer kept]\n" });
    s = applyLine(s, { gap: { from: 0, to: 1000 } });
    expect(s.chunks).toHaveLength(1);
  });

  it("takes the end line's offset without adding output", () => {
    const s = fold(emptyLog(), lines([["stdout", "x"]]));
    const end = applyLine(s, { end: true, nextOffset: 1, task: {} as never });
    expect(end).toBe(s);
    expect(applyLine(s, { end: true, nextOffset: 9, task: {} as never }).offset).toBe(9);
  });

  it("drops the oldest chunks past its cap and says so", () => {
    const s = fold(emptyLog(), lines([["stdout", "aaaa"], ["stderr", "bbbb"], ["stdout", "cccc"]]), 9);
    expect(text(s)).toBe("bbbbcccc");
    expect(s.trimmed).toBe(true);
    expect(s.offset).toBe(12);
  });
});

describe("isNearBottom", () => {
  it("follows at the end and stops once the reader scrolled up", () => {
    expect(isNearBottom({ scrollTop: 700, scrollHeight: 1000, clientHeight: 300 })).toBe(true);
    expect(isNearBottom({ scrollTop: 680, scrollHeight: 1000, clientHeight: 300 })).toBe(true);
    expect(isNearBottom({ scrollTop: 500, scrollHeight: 1000, clientHeight: 300 })).toBe(false);
  });
});
