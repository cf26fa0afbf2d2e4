import type { AgentEvent, AgentUsage } from "@clawdspace/shared";

/** A tool's output is kept to this much in the transcript (the agent's own files hold the rest). */
export const TOOL_RESULT_MAX_CHARS = 64 * 1024;
/** A stdout line past this is not one of Claude Code's messages and is cut. */
const LINE_MAX_BYTES = 8 * 1024 * 1024;

/** What a run's summary takes from its transcript. */
export interface RunFacts {
  sessionId?: string;
  model?: string;
  result?: {
    text: string | null;
    isError: boolean;
    numTurns: number | null;
    durationMs: number | null;
    costUsd: number | null;
    usage: AgentUsage | null;
    errors: string[];
  };
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function contentText(c: unknown): string {
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return c === undefined || c === null ? "" : JSON.stringify(c);
  return c.map((b) => (isObj(b) && b.type === "text" ? String(b.text ?? "") : isObj(b) && b.type === "image" ? "[image]" : JSON.stringify(b))).join("\n");
}

function usageOf(u: unknown): AgentUsage | null {
  if (!isObj(u)) return null;
  return {
    inputTokens: num(u.input_tokens) ?? 0,
    outputTokens: num(u.output_tokens) ?? 0,
    cacheCreationInputTokens: num(u.cache_creation_input_tokens) ?? 0,
    cacheReadInputTokens: num(u.cache_read_input_tokens) ?? 0,
  };
}

/** One line of Claude Code's stream-json output as our events (a line may hold several blocks). */
export function eventsOfLine(line: string, offset: number, facts: RunFacts): AgentEvent[] {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return line.trim() ? [{ type: "output", text: line.slice(0, TOOL_RESULT_MAX_CHARS), offset }] : [];
  }
  if (!isObj(msg)) return [{ type: "output", text: line.slice(0, TOOL_RESULT_MAX_CHARS), offset }];
  const session = str(msg.session_id);
  if (session) facts.sessionId = session;
  switch (msg.type) {
    case "system":
      if (msg.subtype !== "init") return [];
      if (str(msg.model)) facts.model = str(msg.model)!;
      return [{ type: "init", sessionId: session, model: str(msg.model), cwd: str(msg.cwd), offset }];
    case "assistant":
    case "user":
      return blocks(msg, offset);
    case "result": {
      const errors = Array.isArray(msg.errors) ? msg.errors.map((e) => (typeof e === "string" ? e : JSON.stringify(e))) : [];
      const isError = msg.is_error === true || (typeof msg.subtype === "string" && msg.subtype !== "success");
      facts.result = {
        text: str(msg.result),
        isError,
        numTurns: num(msg.num_turns),
        durationMs: num(msg.duration_ms),
        costUsd: num(msg.total_cost_usd),
        usage: usageOf(msg.usage),
        errors,
      };
      const out: AgentEvent[] = [
        { type: "result", subtype: str(msg.subtype) ?? "unknown", isError, result: str(msg.result), numTurns: facts.result.numTurns, durationMs: facts.result.durationMs, costUsd: facts.result.costUsd, sessionId: session, offset },
      ];
      for (const e of errors) out.push({ type: "error", message: e, offset });
      return out;
    }
    default:
      return [];
  }
}

function blocks(msg: Json, offset: number): AgentEvent[] {
  const m = isObj(msg.message) ? msg.message : {};
  // A subagent's steps carry their parent's tool id; the main conversation is what a person follows.
  if (msg.parent_tool_use_id) return [];
  const content = Array.isArray(m.content) ? m.content : typeof m.content === "string" && msg.type === "assistant" ? [{ type: "text", text: m.content }] : [];
  const out: AgentEvent[] = [];
  for (const b of content) {
    if (!isObj(b)) continue;
    if (b.type === "text" && msg.type === "assistant" && str(b.text)) out.push({ type: "text", text: b.text as string, offset });
    else if (b.type === "thinking" && str(b.thinking)) out.push({ type: "thinking", text: b.thinking as string, offset });
    else if (b.type === "tool_use") out.push({ type: "tool_call", id: str(b.id) ?? "", name: str(b.name) ?? "tool", input: b.input ?? null, offset });
    else if (b.type === "tool_result") {
      const text = contentText(b.content);
      out.push({ type: "tool_result", toolUseId: str(b.tool_use_id) ?? "", content: text.slice(0, TOOL_RESULT_MAX_CHARS), isError: b.is_error === true, truncated: text.length > TOOL_RESULT_MAX_CHARS, offset });
    }
  }
  return out;
}

/**
 * Cuts stdout chunks into lines, keeping offsets in the task log's terms (bytes of both
 * streams in the order written): a line's events carry the offset just past its newline, and
 * `resumeAt` is where a later read must start so that no line is lost or repeated.
 */
export class LineAssembler {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingStart: number | null = null;
  private overlong = false;

  constructor(public resumeAt: number) {}

  /** A chunk of stdout that ends at `endOffset`; answers the complete lines in it. */
  push(data: Buffer, endOffset: number): Array<{ line: string; offset: number }> {
    const out: Array<{ line: string; offset: number }> = [];
    const start = endOffset - data.length;
    let from = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, from);
      if (nl < 0) break;
      const piece = data.subarray(from, nl);
      const line = this.overlong ? "" : Buffer.concat([...this.pending, piece]).toString("utf8");
      const offset = start + nl + 1;
      if (!this.overlong) out.push({ line, offset });
      else out.push({ line: "[a line of output over 8 MiB was left out]", offset });
      this.pending = [];
      this.pendingBytes = 0;
      this.pendingStart = null;
      this.overlong = false;
      this.resumeAt = offset;
      from = nl + 1;
    }
    if (from < data.length) {
      if (this.pendingStart === null) this.pendingStart = start + from;
      const rest = data.subarray(from);
      this.pendingBytes += rest.length;
      if (this.pendingBytes > LINE_MAX_BYTES) {
        this.overlong = true;
        this.pending = [];
      } else if (!this.overlong) this.pending.push(Buffer.from(rest));
    }
    return out;
  }

  /** The read ended at `offset`: with no line half read, a later read may start there. */
  settle(offset: number): void {
    if (this.pendingStart === null && offset > this.resumeAt) this.resumeAt = offset;
  }

  /** After a gap the cap made: whatever was pending is gone with it. */
  skipTo(offset: number): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingStart = null;
    this.overlong = false;
    this.resumeAt = offset;
  }
}
