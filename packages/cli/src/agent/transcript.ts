import type { AgentEvent, AgentRun } from "@clawdspace/shared";
import { EXIT } from "../exitCodes.js";
import { paint, printable, printableText } from "../output.js";

/** How much of a tool's output a person sees: the whole of it is in the run (`agent show --json`). */
export const RESULT_LINES = 6;
const LINE_CHARS = 200;
const CALL_CHARS = 200;

/** The input field a person recognises a call by, in the order Claude Code's own tools use them. */
const CALL_KEYS = ["command", "file_path", "notebook_path", "pattern", "url", "query", "description", "prompt"];

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** `Bash: ls -la`, or the input as compact JSON when no single field names the call. */
export function toolCallText(name: string, input: unknown): string {
  let what: string | undefined;
  if (input && typeof input === "object" && !Array.isArray(input)) {
    const rec = input as Record<string, unknown>;
    const key = CALL_KEYS.find((k) => typeof rec[k] === "string" && rec[k] !== "");
    if (key) what = rec[key] as string;
  }
  what ??= input === undefined ? "" : JSON.stringify(input);
  // One line whatever the command: a heredoc's newlines are shown as \n, not acted on.
  return `${printable(name)}: ${cut(printable(what), CALL_CHARS)}`;
}

/** A tool's output indented under its call, cut to a few lines so the conversation stays readable. */
export function toolResultText(content: string, o: { isError: boolean; truncated: boolean; colour: boolean; lines?: number }): string {
  const max = o.lines ?? RESULT_LINES;
  const all = printableText(content).replace(/\n+$/, "").split("\n");
  const shown = all.length === 1 && all[0] === "" ? ["(no output)"] : all.slice(0, max).map((l) => cut(l, LINE_CHARS));
  const more = all.length - Math.min(all.length, max);
  if (more > 0) shown.push(`… ${more} more line${more === 1 ? "" : "s"}`);
  else if (o.truncated) shown.push("… (cut short)");
  const body = shown.map((l, i) => `${i === 0 ? "  ⎿  " : "     "}${l}`).join("\n");
  return o.isError ? paint.red(o.colour)(body) : paint.dim(o.colour)(body);
}

export function formatCost(usd: number | null): string {
  return usd === null ? "-" : `$${usd.toFixed(usd >= 1 ? 2 : 4)}`;
}

export function formatSeconds(ms: number | null): string {
  return ms === null ? "-" : ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

type ResultEvent = Extract<AgentEvent, { type: "result" }>;

/** `✓ done · 2 turns · 3.4s · $0.0123`, or `✗ error_max_turns · …` for a run that failed. */
export function resultLine(r: Pick<ResultEvent, "subtype" | "isError" | "numTurns" | "durationMs" | "costUsd">, colour: boolean): string {
  const turns = r.numTurns === null ? null : `${r.numTurns} turn${r.numTurns === 1 ? "" : "s"}`;
  const parts = [turns, r.durationMs === null ? null : formatSeconds(r.durationMs), r.costUsd === null ? null : formatCost(r.costUsd)].filter((p): p is string => p !== null);
  const head = r.isError ? paint.red(colour)(`✗ ${printable(r.subtype === "success" ? "error" : r.subtype)}`) : paint.green(colour)("✓ done");
  return [head, ...parts].join(" · ");
}

/**
 * Turns a run's events into the conversation as a person reads it. It keeps a little state
 * (blank lines between blocks, the last text) because Claude Code's final result repeats the
 * last answer: printing it twice would only add noise.
 */
export class TranscriptPrinter {
  private blocks = 0;
  private lastText: string | null = null;
  private lastType: AgentEvent["type"] | null = null;

  constructor(private readonly colour: boolean) {}

  /** The text to print for one event, ending in a newline; "" for nothing. */
  format(e: AgentEvent): string {
    const c = this.colour;
    // A tool's output sits under its call, and consecutive raw lines belong together.
    const joined = e.type === "tool_result" || (e.type === "output" && this.lastType === "output");
    const gap = this.blocks > 0 && !joined ? "\n" : "";
    this.blocks++;
    this.lastType = e.type;
    switch (e.type) {
      case "init": {
        const bits = [e.sessionId ? `session ${e.sessionId}` : null, e.model ? `model ${e.model}` : null, e.cwd ? `in ${e.cwd}` : null].filter(Boolean);
        return `${gap}${paint.dim(c)(printable(bits.length ? bits.join(" · ") : "started"))}\n`;
      }
      case "text":
        this.lastText = e.text.trim();
        return `${gap}${printableText(e.text).replace(/\n+$/, "")}\n`;
      case "thinking":
        return `${gap}${paint.dim(c)(`✻ ${printableText(e.text).replace(/\n+$/, "")}`)}\n`;
      case "tool_call":
        return `${gap}${paint.cyan(c)("⏺")} ${toolCallText(e.name, e.input)}\n`;
      case "tool_result":
        return `${toolResultText(e.content, { isError: e.isError, truncated: e.truncated, colour: c })}\n`;
      case "result": {
        const repeat = e.result !== null && e.result.trim() === this.lastText;
        const answer = e.result && !repeat ? `${printableText(e.result).replace(/\n+$/, "")}\n\n` : "";
        return `${gap}${answer}${resultLine(e, c)}\n`;
      }
      case "output":
        return `${gap}${paint.dim(c)(printableText(e.text).replace(/\n+$/, ""))}\n`;
      case "error":
        return `${gap}${paint.red(c)(`error: ${printableText(e.message)}`)}\n`;
    }
  }
}

/** A run's exit code: 0 only when it succeeded, 124 after its timeout, 1 for any other end. */
export function runExitCode(r: Pick<AgentRun, "state" | "isError">): number {
  if (r.state === "succeeded" && r.isError !== true) return EXIT.OK;
  if (r.state === "timed-out") return EXIT.TIMEOUT;
  return EXIT.FAILURE;
}

/** The line for stderr when a run did not succeed; null when it did. */
export function runEndNotice(r: AgentRun): string | null {
  if (runExitCode(r) === EXIT.OK) return null;
  const why = r.error ?? (r.isError && r.result ? r.result : null);
  const what = r.state === "succeeded" ? "ended with an error" : r.state === "timed-out" ? "was stopped at its timeout" : r.state === "running" ? "is still running" : r.state;
  return `run ${r.id} ${what}${why ? `: ${printable(cut(why, 300))}` : ""}`;
}

/** One prompt as one short table cell. */
export function shortPrompt(p: string, n = 48): string {
  return cut(printable(p.replace(/\s+/g, " ").trim()), n);
}
