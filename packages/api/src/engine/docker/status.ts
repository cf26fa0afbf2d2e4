import type { RuntimeState } from "../ports/containers.js";

/** Docker's container states folded into the three the contract knows. */
export function foldState(dockerState: string | undefined): RuntimeState {
  switch (dockerState) {
    case "running":
    case "restarting":
      return "running";
    case "paused":
      return "paused";
    default:
      return "stopped";
  }
}

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
};

/**
 * Estimates when a container started from the list call's status line
 * ("Up 5 minutes (Paused)", "Up About an hour"), so listing needs no inspect.
 * Precision is that of Docker's wording; GET on one space reports the exact time.
 */
export function estimateStartedAt(status: string | undefined, now: number): Date | null {
  if (!status) return null;
  const m = /^Up (Less than a second|About an? (\w+)|(\d+) (\w+?)s?)\b/.exec(status);
  if (!m) return null;
  if (m[1] === "Less than a second") return new Date(now);
  const count = m[2] ? 1 : Number(m[3]);
  const unit = (m[2] ?? m[4] ?? "").replace(/s$/, "");
  const ms = UNIT_MS[unit];
  return ms === undefined ? null : new Date(now - count * ms);
}
