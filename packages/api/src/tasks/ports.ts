import type { AgentRecord } from "./records.js";
import type { AgentStatus } from "./agentStatus.js";

export interface TaskStartSpec {
  id: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number | null;
  /** TERM, then KILL after this long (cancel and timeout). */
  graceMs: number;
}

/** What the supervisor inside the space reports of the task it just started. */
export interface TaskStarted {
  pid: number;
  startedAt: number;
}

export interface TaskLogRequest {
  offset: number;
  maxBytes?: number;
  follow: boolean;
  /** With follow: how long one call may wait for output before returning (the caller asks again). */
  waitMs?: number;
}

/**
 * The supervisor inside a space (the space agent's task commands), as the task service uses it.
 * Calls fail with the engine's ConflictError when the space sleeps (the service wakes it), with
 * TaskCwdError for a cwd that is not there, and TasksUnsupportedError when the image has no agent.
 */
export interface TaskAgentPort {
  start(space: string, spec: TaskStartSpec): Promise<TaskStarted>;
  /** Every task folder's status in one call; ids without a readable status are absent. */
  statuses(space: string): Promise<Map<string, AgentStatus>>;
  cancel(space: string, id: string, waitMs: number): Promise<void>;
  /** Streams the log's records (an `h` first); resolves when the call ends. */
  logs(space: string, id: string, req: TaskLogRequest, onRecord: (r: AgentRecord) => void | Promise<void>, signal?: AbortSignal): Promise<void>;
  remove(space: string, id: string): Promise<void>;
}
