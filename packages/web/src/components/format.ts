import type { Space } from "@clawdspace/shared";

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** "3 min ago", "in 5 min": short enough for a phone's column. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "never";
  const d = Date.parse(iso) - now;
  const a = Math.abs(d);
  const s = a < 60_000 ? `${Math.round(a / 1000)} s` : a < 3_600_000 ? `${Math.round(a / 60_000)} min` : a < 86_400_000 ? `${Math.round(a / 3_600_000)} h` : `${Math.round(a / 86_400_000)} d`;
  return d < 0 ? `${s} ago` : `in ${s}`;
}

const REASONS: Record<string, string> = {
  lease: "kept awake",
  exec: "a command is running",
  terminal: "terminal in use",
  cpu: "busy CPU",
  "veto:git": "git is working",
  "veto:pkg": "a package manager runs",
  "user-paused": "paused by a person",
  disabled: "auto-sleep off",
};

export function sleepText(s: Pick<Space, "state"> & Partial<Pick<Space, "sleepsAt" | "sleepBlockedBy">>): string {
  if (s.state === "paused") return "paused by a person";
  if (s.state === "sleeping") return "asleep; wakes on use";
  if (s.state === "hibernated") return "hibernated; wakes on use (cold)";
  if (s.state !== "running") return "stopped";
  if (s.sleepsAt) return `sleeps ${relative(s.sleepsAt)}`;
  const why = (s.sleepBlockedBy ?? []).map((r) => REASONS[r] ?? r);
  return why.length ? `awake: ${why.join(", ")}` : "awake";
}
