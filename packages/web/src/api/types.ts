export type SpaceState = "running" | "paused" | "sleeping" | "hibernated" | "stopped";

export interface Space {
  name: string;
  id: string;
  status: string;
  state: SpaceState;
  created: string;
  started: string | null;
  image: string;
  memory: string | number;
  cpus: number;
  template?: string;
  network?: string;
  node?: string;
  activity?: { lastAt: string | null; lastSource: string | null };
  sleepsAt?: string | null;
  /** Reasons (lease, exec, terminal, cpu, veto:git, …); objects in the sleep route. */
  sleepBlockedBy?: Array<string | { reason: string; until?: string }>;
  volume?: { name: string; mountpoint?: string };
}

export interface FileEntry {
  name: string;
  path: string;
  type: "file" | "dir" | "symlink" | "other";
  size: number;
  mtimeMs: number;
}

export interface AuditEvent {
  id: number;
  ts: string;
  space?: string;
  type: string;
  actor?: string;
  meta?: Record<string, unknown>;
}

export interface AuditPage {
  events: AuditEvent[];
  nextBefore: number | null;
  nextAfter: number | null;
}

export interface Stats {
  cpuPercent: number;
  memoryUsageBytes: number;
  memoryLimitBytes: number;
  pids: number;
}

export interface TerminalInfo {
  id: string;
  created: string;
  viewers: number;
  offset: number;
  lastOutputAt: string | null;
  lastInputAt: string | null;
}
