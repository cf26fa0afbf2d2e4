import { z } from "zod";
import type { TaskState } from "@clawdspace/shared";

/**
 * A task's status as the agent reports it (task-status, and the `x` record of a followed log).
 * Written by a process inside the space, so every field is checked and unknown ones dropped.
 */
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const AgentStatusSchema = z.object({
  id: z.string().max(64),
  state: z.enum(["running", "exited"]),
  alive: z.boolean(),
  pid: count.optional(),
  startedAt: count.optional(),
  endedAt: count.nullable().optional(),
  exitCode: z.number().int().min(-1).max(65535).nullable().optional(),
  signal: z.string().max(16).regex(/^[A-Z0-9+-]*$/).nullable().optional(),
  reason: z.enum(["timeout", "cancelled"]).nullable().optional(),
  stdoutBytes: count.optional(),
  stderrBytes: count.optional(),
  logStart: count.optional(),
  logEnd: count.optional(),
});
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

/** A line of task-status output, or null when it is not one (a tampered or broken file is reported as such). */
export function parseAgentStatus(value: unknown): AgentStatus | null {
  const r = AgentStatusSchema.safeParse(value);
  return r.success ? r.data : null;
}

export interface Outcome {
  state: Exclude<TaskState, "running">;
  exitCode: number | null;
  signal: string | null;
  reason: string | null;
  endedAt: number | null;
}

/** What an exited task's status means for its state. */
export function endedOutcome(s: AgentStatus): Outcome {
  const exitCode = s.exitCode ?? null;
  const base = { exitCode, signal: s.signal ?? null, endedAt: s.endedAt ?? null };
  if (s.reason === "timeout") return { ...base, state: "timed-out", reason: "timeout", exitCode: 124 };
  if (s.reason === "cancelled") return { ...base, state: "cancelled", reason: "cancelled" };
  return { ...base, state: exitCode === 0 ? "succeeded" : "failed", reason: null };
}

/**
 * The verdict on a running task from what the agent says: still running, ended (with its
 * outcome), or interrupted because its supervisor is gone (a container restart kills it).
 */
export function observe(s: AgentStatus | undefined): { kind: "running" } | { kind: "ended"; outcome: Outcome } {
  if (!s) return { kind: "ended", outcome: interrupted("the task's files are gone from the space") };
  if (s.state === "exited") return { kind: "ended", outcome: endedOutcome(s) };
  if (!s.alive) return { kind: "ended", outcome: interrupted("the task's supervisor is gone (the container restarted or it was killed)") };
  return { kind: "running" };
}

export function interrupted(reason: string): Outcome {
  return { state: "interrupted", exitCode: null, signal: null, reason, endedAt: null };
}
