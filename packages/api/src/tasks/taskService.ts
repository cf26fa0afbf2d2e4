import { randomBytes } from "node:crypto";
import type { Task, TaskInput, TaskState } from "@clawdspace/shared";
import type { Logger } from "pino";
import type { AuditLog } from "../audit/auditLog.js";
import type { Actor } from "../core/actor.js";
import type { Clock } from "../core/clock.js";
import { NotFoundError } from "../core/errors.js";
import { maskArgv, maskString } from "../core/mask.js";
import { WORKSPACE } from "../engine/naming.js";
import type { ContainersPort } from "../engine/ports/containers.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import type { ActivityTracker } from "../sleep/activity.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";
import { endedOutcome, type AgentStatus, type Outcome } from "./agentStatus.js";
import type { TaskAgentPort } from "./ports.js";
import { TaskStateError } from "./taskErrors.js";
import { toTask, type TaskRepo, type TaskRow } from "./taskRepo.js";

export interface TaskServiceDeps {
  repo: TaskRepo;
  agent: TaskAgentPort;
  containers: Pick<ContainersPort, "inspect">;
  lifecycle: Pick<SpaceLifecycle, "withWake">;
  activity: ActivityTracker;
  audit: AuditLog;
  events: SpaceEvents;
  log: Logger;
  clock: Clock;
  /** Told of every task that ended (the webhook); must not throw or block. */
  onEnd?: (task: Task) => void;
}

export interface TaskSettings {
  /** TERM then KILL after this long, for cancel and timeouts. */
  graceMs: number;
}

const newId = () => {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return `tsk_${Array.from(randomBytes(16), (b) => alphabet[b % 36]).join("")}`;
};

/** A string runs through a login shell, as exec does; argv as given. */
export const taskArgv = (command: string | string[]) => (typeof command === "string" ? ["bash", "-lc", "--", command] : [...command]);

/**
 * Background tasks: started in a space under its supervisor, remembered in the store, ended
 * once (by the watcher, a followed log, a cancel or a lifecycle event, whichever sees it first).
 */
export class TaskService {
  /** Running tasks that hold their space awake: the activity hold to release when each ends. */
  private readonly holds = new Map<string, () => void>();

  constructor(
    private readonly d: TaskServiceDeps,
    readonly settings: TaskSettings,
  ) {}

  /** Takes up the tasks a previous server left running (their holds on sleep). */
  resume(): void {
    for (const row of this.d.repo.running()) this.hold(row);
  }

  async start(space: string, input: TaskInput, who: Actor = {}): Promise<{ task: Task; wake?: "warm" | "cold" }> {
    const id = newId();
    const now = this.d.clock();
    const record = await this.d.containers.inspect(space);
    const row: TaskRow = {
      id,
      space,
      name: input.name ?? null,
      command: typeof input.command === "string" ? maskString(input.command) : maskArgv(input.command),
      cwd: input.cwd ?? WORKSPACE,
      env: Object.keys(input.env ?? {}),
      keepAwake: input.keepAwake,
      timeoutMs: input.timeoutMs ?? null,
      state: "running",
      reason: null,
      exitCode: null,
      signal: null,
      createdAt: now,
      startedAt: null,
      endedAt: null,
      stdoutBytes: 0,
      stderrBytes: 0,
      containerStartedAt: record.startedAt?.getTime() ?? null,
    };
    // Stored first: a server that dies while the agent starts the task still finds it afterwards.
    this.d.repo.insert(row);
    let started;
    try {
      started = await this.d.lifecycle.withWake(space, "task", who, () =>
        this.d.agent.start(space, { id, argv: taskArgv(input.command), cwd: row.cwd, env: input.env ?? {}, timeoutMs: row.timeoutMs, graceMs: this.settings.graceMs }),
      );
    } catch (e) {
      this.d.repo.remove(id);
      throw e;
    }
    if (started.wake) {
      // A cold wake started a new container: the task belongs to that one.
      const fresh = await this.d.containers.inspect(space).catch(() => undefined);
      row.containerStartedAt = fresh?.startedAt?.getTime() ?? row.containerStartedAt;
    }
    row.startedAt = started.value.startedAt;
    this.d.repo.setStarted(id, row.startedAt, row.containerStartedAt);
    this.hold(row);
    this.d.audit.append({ ...who, space, type: "task.start", meta: { id, name: row.name, command: input.command, cwd: row.cwd, env: row.env, keepAwake: row.keepAwake, timeoutMs: row.timeoutMs } });
    this.d.log.info({ space, task: id }, "task started");
    this.emit(row);
    return { task: this.view(row), ...(started.wake ? { wake: started.wake } : {}) };
  }

  get(space: string, id: string): TaskRow {
    const row = this.d.repo.get(id);
    if (!row || row.space !== space) throw new NotFoundError(`No task ${id} in space ${space}`);
    return row;
  }

  view(row: TaskRow): Task {
    return toTask(row, this.d.clock());
  }

  async listSpace(space: string, state?: TaskState): Promise<Task[]> {
    await this.d.containers.inspect(space);
    return this.d.repo.list({ space, state }).map((r) => this.view(r));
  }

  listAll(q: { state?: TaskState; space?: string; limit?: number }): Task[] {
    return this.d.repo.list(q).map((r) => this.view(r));
  }

  running(): TaskRow[] {
    return this.d.repo.running();
  }

  /** Running tasks of a space, for the sleep answer. */
  runningIn(space: string): Array<{ id: string; name: string | null; keepAwake: boolean }> {
    return this.d.repo.list({ space, state: "running" }).map((r) => ({ id: r.id, name: r.name, keepAwake: r.keepAwake }));
  }

  async cancel(space: string, id: string, who: Actor = {}): Promise<Task> {
    const row = this.get(space, id);
    if (row.state !== "running") throw new TaskStateError(`Task ${id} already ended (${row.state}); there is nothing to cancel`);
    this.d.audit.append({ ...who, space, type: "task.cancel", meta: { id } });
    await this.d.lifecycle.withWake(space, "task", who, () => this.d.agent.cancel(space, id, this.settings.graceMs + 2000));
    const status = (await this.d.agent.statuses(space).catch(() => undefined))?.get(id);
    if (status?.state === "exited") this.finish(row, endedOutcome(status), status);
    return this.view(this.d.repo.get(id) ?? row);
  }

  async remove(space: string, id: string, who: Actor = {}): Promise<void> {
    const row = this.get(space, id);
    if (row.state === "running") throw new TaskStateError(`Task ${id} is still running; cancel it first`);
    await this.d.lifecycle.withWake(space, "task", who, () => this.d.agent.remove(space, id));
    this.d.repo.remove(id);
    this.d.audit.append({ ...who, space, type: "task.delete", meta: { id } });
  }

  adoptStarted(row: TaskRow, startedAt: number): void {
    row.startedAt = startedAt;
    this.d.repo.setStarted(row.id, startedAt, row.containerStartedAt);
  }

  /** Applies what the agent says of a running task; true when that ended it. */
  apply(row: TaskRow, status: AgentStatus): boolean {
    if (status.state === "exited") return this.finish(row, endedOutcome(status), status);
    if (status.stdoutBytes !== undefined || status.stderrBytes !== undefined) {
      this.d.repo.setSizes(row.id, status.stdoutBytes ?? row.stdoutBytes, status.stderrBytes ?? row.stderrBytes);
    }
    return false;
  }

  /** Ends a task once: store, activity, audit, event stream and webhook. */
  finish(row: TaskRow, outcome: Outcome, status?: AgentStatus): boolean {
    const endedAt = outcome.endedAt ?? this.d.clock();
    if (status) this.d.repo.setSizes(row.id, status.stdoutBytes ?? row.stdoutBytes, status.stderrBytes ?? row.stderrBytes);
    if (!this.d.repo.end(row.id, { ...outcome, endedAt })) return false;
    this.holds.get(row.id)?.();
    this.holds.delete(row.id);
    const ended = this.d.repo.get(row.id)!;
    const task = this.view(ended);
    this.d.audit.append({ space: row.space, type: "task.end", meta: { id: row.id, name: row.name, state: task.state, exitCode: task.exitCode, reason: task.reason, durationMs: task.durationMs } });
    this.d.log.info({ space: row.space, task: row.id, state: task.state, exitCode: task.exitCode, reason: task.reason }, "task ended");
    this.emit(ended);
    try {
      this.d.onEnd?.(task);
    } catch (err) {
      this.d.log.warn({ err }, "task end listener failed");
    }
    return true;
  }

  /** Ends every running task of a space that stopped, hibernated or went away. */
  interruptSpace(space: string, reason: string): void {
    for (const row of this.d.repo.list({ space, state: "running" })) this.finish(row, { state: "interrupted", exitCode: null, signal: null, reason, endedAt: null });
  }

  forgetSpace(space: string): void {
    this.interruptSpace(space, "the space was destroyed");
    this.d.repo.removeSpace(space);
  }

  private hold(row: TaskRow): void {
    if (row.keepAwake && !this.holds.has(row.id)) this.holds.set(row.id, this.d.activity.begin(row.space, "task"));
  }

  private emit(row: TaskRow): void {
    this.d.events.emitTask({ space: row.space, id: row.id, name: row.name, state: row.state, exitCode: row.exitCode, reason: row.reason, at: new Date(this.d.clock()).toISOString() });
  }
}
