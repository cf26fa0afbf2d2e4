import type { AgentEvent } from "@clawdspace/shared";
import { describe, expect, it } from "vitest";
import { resultLine, runEndNotice, runExitCode, toolCallText, toolResultText, TranscriptPrinter } from "../../src/agent/transcript.js";
import { buildRunRequest } from "../../src/commands/agent.js";
import { conversation, fakeRun, SESSION } from "./agentFake.js";

describe("the transcript as text", () => {
  it("prints text as is, a tool call as one ⏺ line, its result indented, and the result line without repeating the answer", () => {
    const p = new TranscriptPrinter(false);
    expect(conversation.map((e) => p.format(e)).join("")).toBe(
      [
        `session ${SESSION} · model claude-stub · in /workspace`,
        "",
        "I'll write the file.",
        "",
        "⏺ Bash: echo hi > /workspace/a.txt",
        "  ⎿  (no output)",
        "",
        "STUB-DONE: written",
        "",
        "✓ done · 2 turns · 3.4s · $0.0123",
        "",
      ].join("\n"),
    );
  });

  it("names a call by its recognisable field, else by compact JSON, on one line", () => {
    expect(toolCallText("Read", { file_path: "/workspace/src/a.ts", limit: 20 })).toBe("Read: /workspace/src/a.ts");
    expect(toolCallText("TodoWrite", { todos: [{ content: "x", status: "pending" }] })).toBe('TodoWrite: {"todos":[{"content":"x","status":"pending"}]}');
    expect(toolCallText("Bash", { command: "cat <<EOF\nhi\nEOF" })).toBe("Bash: cat <<EOF\\nhi\\nEOF");
    expect(toolCallText("Bash", { command: "x".repeat(500) })).toHaveLength("Bash: ".length + 200);
  });

  it("shortens a long tool result and marks errors and cuts", () => {
    const long = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    expect(toolResultText(long, { isError: false, truncated: false, colour: false })).toBe(
      ["  ⎿  line 0", "     line 1", "     line 2", "     line 3", "     line 4", "     line 5", "     … 14 more lines"].join("\n"),
    );
    expect(toolResultText("partial", { isError: false, truncated: true, colour: false })).toBe("  ⎿  partial\n     … (cut short)");
    expect(toolResultText("boom", { isError: true, truncated: false, colour: true })).toBe("\x1b[31m  ⎿  boom\x1b[39m");
  });

  it("never lets the agent's text drive the terminal", () => {
    const p = new TranscriptPrinter(false);
    const out = p.format({ type: "text", text: "a\x1b]52;c;ZXZpbA==\x07b\nc\td", offset: 1 });
    expect(out).toBe("a\\x1b]52;c;ZXZpbA==\\x07b\nc\td\n");
    expect(toolResultText("\x1b[2Jwiped", { isError: false, truncated: false, colour: false })).toBe("  ⎿  \\x1b[2Jwiped");
  });

  it("shows a failed result with its subtype and text, and errors and raw output as they are", () => {
    const p = new TranscriptPrinter(false);
    const failed = p.format({ type: "result", subtype: "error_max_turns", isError: true, result: null, numTurns: 1, durationMs: 900, costUsd: null, sessionId: null, offset: 5 });
    expect(failed).toBe("✗ error_max_turns · 1 turn · 0.9s\n");
    expect(p.format({ type: "error", message: "Invalid API key", offset: 6 })).toBe("\nerror: Invalid API key\n");
    expect(p.format({ type: "output", text: "claude: not found", offset: 7 })).toBe("\nclaude: not found\n");
    expect(p.format({ type: "output", text: "more", offset: 8 })).toBe("more\n");
    expect(resultLine({ subtype: "success", isError: true, numTurns: null, durationMs: null, costUsd: 2.5 }, false)).toBe("✗ error · $2.50");
  });
});

describe("a run's outcome", () => {
  it("exits 0 only for a run that succeeded, 124 after a timeout, 1 otherwise, with a reason on stderr", () => {
    expect(runExitCode(fakeRun({ state: "succeeded", isError: false }))).toBe(0);
    expect(runExitCode(fakeRun({ state: "succeeded", isError: true }))).toBe(1);
    expect(runExitCode(fakeRun({ state: "failed" }))).toBe(1);
    expect(runExitCode(fakeRun({ state: "cancelled" }))).toBe(1);
    expect(runExitCode(fakeRun({ state: "timed-out" }))).toBe(124);
    expect(runEndNotice(fakeRun({ state: "succeeded", isError: false }))).toBeNull();
    expect(runEndNotice(fakeRun({ state: "failed", isError: true, result: "Reached max turns (1)" }))).toBe("run tsk_aaaaaaaaaaaaaaaa failed: Reached max turns (1)");
    expect(runEndNotice(fakeRun({ state: "interrupted", error: "the space was destroyed" }))).toBe("run tsk_aaaaaaaaaaaaaaaa interrupted: the space was destroyed");
  });
});

describe("agent run's arguments", () => {
  const usage = (p: Promise<unknown>) => p.then(() => Promise.reject(new Error("no error")), (e: unknown) => e as { exitCode: number; message: string });

  it("a bare --resume is the last conversation, a value a session id", async () => {
    expect(await buildRunRequest(["dev", "go on"], { resume: true })).toEqual({ space: "dev", req: { prompt: "go on", resume: "last" } });
    expect(await buildRunRequest(["dev", "go on"], { resume: SESSION })).toEqual({ space: "dev", req: { prompt: "go on", resume: SESSION } });
    expect(await buildRunRequest(["dev", "hi"], {})).toEqual({ space: "dev", req: { prompt: "hi" } });
  });

  it("takes back the prompt that commander gave to a bare --resume, wherever the flag was", async () => {
    // clawdspace agent run dev --resume "go on"
    expect(await buildRunRequest(["dev"], { resume: "go on" })).toEqual({ space: "dev", req: { prompt: "go on", resume: "last" } });
    // clawdspace agent run --resume dev "go on"
    expect(await buildRunRequest(["go on"], { resume: "dev" })).toEqual({ space: "dev", req: { prompt: "go on", resume: "last" } });
    // a session id is never a prompt: the prompt is missing
    expect(await usage(buildRunRequest(["dev"], { resume: SESSION }))).toMatchObject({ exitCode: 64, message: expect.stringMatching(/missing the prompt/) });
  });

  it("passes model, turns and timeout, and refuses bad values as usage errors (exit 64)", async () => {
    expect((await buildRunRequest(["dev", "x"], { model: "sonnet", maxTurns: "3", timeout: "30m" })).req).toEqual({ prompt: "x", model: "sonnet", maxTurns: 3, timeoutMs: 1_800_000 });
    for (const opts of [{ maxTurns: "0" }, { maxTurns: "2.5" }, { maxTurns: "1001" }, { timeout: "soon" }, { timeout: "500ms" }, { resume: "yesterday" }]) {
      expect((await usage(buildRunRequest(["dev", "x"], opts))).exitCode, JSON.stringify(opts)).toBe(64);
    }
    expect((await usage(buildRunRequest(["dev", "   "], {}))).message).toMatch(/empty/);
  });
});
