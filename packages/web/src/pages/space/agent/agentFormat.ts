import type { AgentRun, AgentUsage } from "@clawdspace/shared";

/** "$0.0042", "$1.27": a cent's fraction matters for short runs, not for long ones. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "–";
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** "950", "12.3k", "1.2M". */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** "1.2k in · 340 out": cache reads count as input, since that is what the model read. */
export function formatTokens(u: AgentUsage | null | undefined): string {
  if (!u) return "–";
  const input = u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
  return `${formatCount(input)} in · ${formatCount(u.outputTokens)} out`;
}

/** The first line of the prompt, as a run's title in the list. */
export function runTitle(r: Pick<AgentRun, "prompt">): string {
  const line = r.prompt.trim().split("\n", 1)[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 119)}…` : line || "(empty prompt)";
}

// The field that says what a call does, for the tools Claude Code has; others show their first string.
const SUMMARY_FIELDS: Record<string, string[]> = {
  Bash: ["command"],
  Read: ["file_path"],
  Write: ["file_path"],
  Edit: ["file_path"],
  MultiEdit: ["file_path"],
  NotebookEdit: ["notebook_path"],
  Glob: ["pattern"],
  Grep: ["pattern"],
  WebFetch: ["url"],
  WebSearch: ["query"],
  Task: ["description"],
};

/** One line for a tool call's header: "ls -la", "/workspace/a.ts". */
export function toolSummary(name: string, input: unknown): string {
  if (!input || typeof input !== "object") return typeof input === "string" ? input : "";
  const o = input as Record<string, unknown>;
  if (name === "TodoWrite" && Array.isArray(o.todos)) return `${o.todos.length} item${o.todos.length === 1 ? "" : "s"}`;
  for (const f of SUMMARY_FIELDS[name] ?? []) if (typeof o[f] === "string") return firstLine(o[f] as string);
  const s = Object.values(o).find((v) => typeof v === "string");
  return typeof s === "string" ? firstLine(s) : "";
}

const firstLine = (s: string) => {
  const l = s.split("\n", 1)[0] ?? "";
  return l.length < s.length ? `${l} …` : l;
};

/** A tool's input as a person reads it: a shell command as itself, anything else as indented JSON. */
export function toolInputText(name: string, input: unknown): string {
  if (name === "Bash" && input && typeof input === "object" && typeof (input as { command?: unknown }).command === "string") return (input as { command: string }).command;
  if (typeof input === "string") return input;
  try {
    return JSON.stringify(input, null, 2) ?? String(input);
  } catch {
    return String(input);
  }
}
