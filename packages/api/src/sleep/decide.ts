import type { SpaceState } from "@clawdspace/shared";
import type { RuntimeState } from "../engine/ports/containers.js";
import type { SpaceStateRow } from "./spaceStateRepo.js";

export interface SleepPolicy {
  /** 0 disables automatic pausing. */
  idleTimeoutMs: number;
  /** How long a space sleeps (paused by the worker) before it is stopped; 0 disables. */
  hibernateAfterMs: number;
  /** How long a CPU verdict or a veto stays current. */
  checkValidMs: number;
}

export type Blocker = "lease" | "cpu" | "exec" | "terminal" | "task" | "veto:git" | "veto:pkg" | "user-paused" | "disabled";

export interface SleepInputs {
  now: number;
  runtimeState: RuntimeState;
  row: SpaceStateRow;
  /** Running execs, terminals and tasks that keep it awake; task may be absent (counts as 0). */
  running: { exec: number; terminal: number; task?: number };
  /** The latest CPU verdict, if one was taken. */
  cpu?: { busy: boolean; at: number };
}

export type SleepAction = "none" | "check" | "pause" | "hibernate";

export interface SleepDecision {
  action: SleepAction;
  state: SpaceState;
  /** When the idle pause is due by the clock (CPU and veto checks still apply), or null when it is not coming. */
  pauseAt: number | null;
  hibernateAt: number | null;
  blockedBy: Array<{ reason: Blocker; until?: number }>;
}

/**
 * The whole sleep policy as a pure function of the clock and what we know, so
 * every case is unit-testable and the API can explain a decision with the same code.
 * "check" means the clock says pause: the CPU and veto checks must still agree.
 */
export function decideSleep(input: SleepInputs, policy: SleepPolicy): SleepDecision {
  const { now, row } = input;
  if (input.runtimeState === "stopped") {
    return { action: "none", state: row.hibernatedAt ? "hibernated" : "stopped", pauseAt: null, hibernateAt: null, blockedBy: [] };
  }
  if (input.runtimeState === "paused") {
    if (row.pausedBy !== "idle") {
      return { action: "none", state: "paused", pauseAt: null, hibernateAt: null, blockedBy: [{ reason: "user-paused" }] };
    }
    const hibernateAt = policy.hibernateAfterMs > 0 ? (row.pausedAt ?? now) + policy.hibernateAfterMs : null;
    return {
      action: hibernateAt !== null && now >= hibernateAt ? "hibernate" : "none",
      state: "sleeping",
      pauseAt: null,
      hibernateAt,
      blockedBy: hibernateAt === null ? [{ reason: "disabled" }] : [],
    };
  }

  const blockedBy: SleepDecision["blockedBy"] = [];
  if (policy.idleTimeoutMs <= 0) blockedBy.push({ reason: "disabled" });
  if (row.leaseUntil !== null && row.leaseUntil > now) blockedBy.push({ reason: "lease", until: row.leaseUntil });
  if (input.running.exec > 0) blockedBy.push({ reason: "exec" });
  if (input.running.terminal > 0) blockedBy.push({ reason: "terminal" });
  if ((input.running.task ?? 0) > 0) blockedBy.push({ reason: "task" });
  const hard = blockedBy.length > 0;

  const idleAt = row.lastActivityAt + policy.idleTimeoutMs;
  const pauseAt = hard ? null : Math.max(idleAt, row.leaseUntil ?? 0);
  const fresh = (at: number | null | undefined) => at !== null && at !== undefined && now - at <= policy.checkValidMs;
  if (input.cpu?.busy && fresh(input.cpu.at)) blockedBy.push({ reason: "cpu" });
  if (row.veto && fresh(row.vetoAt) && (row.veto === "veto:git" || row.veto === "veto:pkg")) blockedBy.push({ reason: row.veto });

  const hibernateAt = pauseAt !== null && policy.hibernateAfterMs > 0 ? pauseAt + policy.hibernateAfterMs : null;
  const due = pauseAt !== null && now >= pauseAt;
  return { action: due ? "check" : "none", state: "running", pauseAt, hibernateAt, blockedBy };
}
