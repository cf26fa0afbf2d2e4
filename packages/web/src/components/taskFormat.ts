import type { Task, TaskState } from "@clawdspace/shared";
import { isTaskEnded } from "@clawdspace/shared/client";

export const taskEnded = isTaskEnded;

export const TASK_STATE_LABELS: Record<TaskState, string> = {
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  "timed-out": "timed out",
  interrupted: "interrupted",
};

export const taskStateLabel = (s: string): string => TASK_STATE_LABELS[s as TaskState] ?? s;

/** "0.4 s", "12 s", "3 min 05 s", "2 h 07 min", "3 d 4 h": precise when short, coarse when long. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/**
 * How long a task has run. For a running one the server's durationMs is as of the answer, so the
 * time since that answer arrived (both on the browser's clock) is added: a skewed server clock
 * cannot make it negative or jump.
 */
export function liveDurationMs(t: Pick<Task, "state" | "durationMs">, now: number, fetchedAt: number): number | null {
  if (t.durationMs === null) return null;
  if (t.state !== "running") return t.durationMs;
  return t.durationMs + Math.max(0, now - fetchedAt);
}

/** "0", "1", "SIGTERM", or "–" while it runs (or when nothing is known). */
export function exitText(t: Pick<Task, "exitCode" | "signal" | "state">): string {
  if (t.state === "running") return "–";
  if (t.exitCode !== null) return String(t.exitCode);
  return t.signal ?? "–";
}

/** The name when there is one, else the command as a person would type it. */
export function taskTitle(t: Pick<Task, "name" | "command">): string {
  if (t.name) return t.name;
  return commandText(t.command);
}

export function commandText(c: string | string[]): string {
  if (typeof c === "string") return c;
  return c.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

/** Newest first by creation, ties by id, whatever order the answer came in. */
export function newestFirst<T extends Pick<Task, "createdAt" | "id">>(tasks: readonly T[]): T[] {
  return [...tasks].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
}
