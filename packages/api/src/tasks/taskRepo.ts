import type { Task, TaskState } from "@clawdspace/shared";
import type { Db } from "../store/db.js";

/** A task as stored: times in epoch ms. The API's Task is derived from it (see toTask). */
export interface TaskRow {
  id: string;
  space: string;
  name: string | null;
  command: string | string[];
  cwd: string;
  env: string[];
  keepAwake: boolean;
  timeoutMs: number | null;
  state: TaskState;
  reason: string | null;
  exitCode: number | null;
  signal: string | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  stdoutBytes: number;
  stderrBytes: number;
  /** The container's start time when the task began: a different one later means it restarted under the task. */
  containerStartedAt: number | null;
}

interface Raw {
  id: string;
  space: string;
  name: string | null;
  command: string;
  cwd: string;
  env_names: string;
  keep_awake: number;
  timeout_ms: number | null;
  state: string;
  reason: string | null;
  exit_code: number | null;
  signal: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  stdout_bytes: number;
  stderr_bytes: number;
  container_started_at: number | null;
}

const fromRaw = (r: Raw): TaskRow => ({
  id: r.id,
  space: r.space,
  name: r.name,
  command: JSON.parse(r.command) as string | string[],
  cwd: r.cwd,
  env: JSON.parse(r.env_names) as string[],
  keepAwake: r.keep_awake === 1,
  timeoutMs: r.timeout_ms,
  state: r.state as TaskState,
  reason: r.reason,
  exitCode: r.exit_code,
  signal: r.signal,
  createdAt: r.created_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  stdoutBytes: r.stdout_bytes,
  stderrBytes: r.stderr_bytes,
  containerStartedAt: r.container_started_at,
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The wire shape; a running task's duration is up to `now`. */
export function toTask(r: TaskRow, now: number): Task {
  const end = r.endedAt ?? (r.state === "running" ? now : null);
  return {
    id: r.id,
    space: r.space,
    name: r.name,
    command: r.command,
    cwd: r.cwd,
    env: r.env,
    keepAwake: r.keepAwake,
    timeoutMs: r.timeoutMs,
    state: r.state,
    reason: r.reason,
    exitCode: r.exitCode,
    signal: r.signal,
    createdAt: iso(r.createdAt)!,
    startedAt: iso(r.startedAt),
    endedAt: iso(r.endedAt),
    durationMs: r.startedAt !== null && end !== null ? Math.max(0, end - r.startedAt) : null,
    stdoutBytes: r.stdoutBytes,
    stderrBytes: r.stderrBytes,
  };
}

export type TaskEnd = Pick<TaskRow, "state" | "reason" | "exitCode" | "signal" | "endedAt">;

export class TaskRepo {
  constructor(private readonly db: Db) {}

  insert(t: TaskRow): void {
    this.db
      .prepare(
        `INSERT INTO tasks (id, space, name, command, cwd, env_names, keep_awake, timeout_ms, state, reason, exit_code, signal,
           created_at, started_at, ended_at, stdout_bytes, stderr_bytes, container_started_at)
         VALUES (@id, @space, @name, @command, @cwd, @env, @keepAwake, @timeoutMs, @state, @reason, @exitCode, @signal,
           @createdAt, @startedAt, @endedAt, @stdoutBytes, @stderrBytes, @containerStartedAt)`,
      )
      .run({ ...t, command: JSON.stringify(t.command), env: JSON.stringify(t.env), keepAwake: t.keepAwake ? 1 : 0 });
  }

  get(id: string): TaskRow | undefined {
    const r = this.db.prepare("SELECT * FROM tasks WHERE id = ?").get(id) as Raw | undefined;
    return r ? fromRaw(r) : undefined;
  }

  list(q: { space?: string; state?: TaskState; limit?: number }): TaskRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.space !== undefined) (where.push("space = ?"), args.push(q.space));
    if (q.state !== undefined) (where.push("state = ?"), args.push(q.state));
    const sql = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit ?? 1000) as Raw[]).map(fromRaw);
  }

  running(): TaskRow[] {
    return (this.db.prepare("SELECT * FROM tasks WHERE state = 'running' ORDER BY created_at").all() as Raw[]).map(fromRaw);
  }

  setStarted(id: string, startedAt: number, containerStartedAt: number | null): void {
    this.db.prepare("UPDATE tasks SET started_at = ?, container_started_at = ? WHERE id = ?").run(startedAt, containerStartedAt, id);
  }

  setSizes(id: string, stdoutBytes: number, stderrBytes: number): void {
    this.db.prepare("UPDATE tasks SET stdout_bytes = ?, stderr_bytes = ? WHERE id = ? AND state = 'running'").run(stdoutBytes, stderrBytes, id);
  }

  /** Ends a running task; false when it had already ended (another path got there first). */
  end(id: string, e: TaskEnd): boolean {
    const r = this.db
      .prepare("UPDATE tasks SET state = ?, reason = ?, exit_code = ?, signal = ?, ended_at = ? WHERE id = ? AND state = 'running'")
      .run(e.state, e.reason, e.exitCode, e.signal, e.endedAt, id);
    return r.changes === 1;
  }

  remove(id: string): void {
    this.db.prepare("DELETE FROM tasks WHERE id = ?").run(id);
  }

  removeSpace(space: string): void {
    this.db.prepare("DELETE FROM tasks WHERE space = ?").run(space);
  }
}
