import type { Logger } from "pino";
import { ConflictError, SpaceNotFoundError } from "../engine/errors.js";
import type { ContainersPort } from "../engine/ports/containers.js";
import type { SpaceStateStore } from "../sleep/spaceState.js";
import type { CpuMonitor } from "../sleep/cpuMonitor.js";
import { interrupted, observe } from "./agentStatus.js";
import type { TaskAgentPort } from "./ports.js";
import type { TaskRow } from "./taskRepo.js";
import type { TaskService } from "./taskService.js";

/** A task just inserted may not have a status file yet; past this it never started. */
const START_GRACE_MS = 60_000;
/** Container start times from the engine carry a rounding of their own. */
const RESTART_SLACK_MS = 1_000;
const PARALLEL = 4;

/**
 * Finds out how running tasks ended: one status call per space with running tasks per tick,
 * so a task that ended while nobody followed it (or while the server was down) gets its real
 * outcome. A paused space is left alone (its tasks are frozen, and looking must not wake it).
 */
export class TaskWatcher {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly tasks: TaskService,
    private readonly agent: TaskAgentPort,
    private readonly containers: Pick<ContainersPort, "inspect" | "cpuUsage">,
    private readonly cpu: Pick<CpuMonitor, "discount"> | undefined,
    private readonly state: Pick<SpaceStateStore, "get">,
    private readonly log: Logger,
    private readonly opts: { pollMs: number },
    private readonly clock: () => number = Date.now,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** One pass over every space with running tasks; passes never overlap. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.pass().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async pass(): Promise<void> {
    const bySpace = new Map<string, TaskRow[]>();
    for (const row of this.tasks.running()) bySpace.set(row.space, [...(bySpace.get(row.space) ?? []), row]);
    const queue = [...bySpace.entries()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        await this.checkSpace(next[0], next[1]).catch((err) => this.log.warn({ err, space: next[0] }, "task check failed"));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
  }

  private async checkSpace(space: string, rows: TaskRow[]): Promise<void> {
    let record;
    try {
      record = await this.containers.inspect(space);
    } catch (e) {
      if (e instanceof SpaceNotFoundError) return this.tasks.forgetSpace(space);
      throw e;
    }
    const started = record.startedAt?.getTime() ?? null;
    const live: TaskRow[] = [];
    for (const row of rows) {
      const restarted = row.containerStartedAt !== null && started !== null && Math.abs(started - row.containerStartedAt) > RESTART_SLACK_MS;
      if (restarted && row.startedAt !== null) this.tasks.finish(row, interrupted("the container restarted under it (an engine restart or a crash)"));
      else live.push(row);
    }
    if (live.length === 0) return;
    if (record.state === "stopped") {
      const why = this.state.get(space).hibernatedAt ? "the space hibernated" : "the container stopped under it (an engine restart, a crash or a docker stop)";
      for (const row of live) this.tasks.finish(row, interrupted(why));
      return;
    }
    if (record.state === "paused") return;
    let statuses;
    // Our call runs in the space's cgroup: its CPU must not pass for the space's own work with the sleep worker.
    const before = this.cpu ? await this.containers.cpuUsage(space).catch(() => undefined) : undefined;
    try {
      statuses = await this.agent.statuses(space);
    } catch (e) {
      if (e instanceof ConflictError) return; // paused or stopped since the inspect: next tick
      throw e;
    }
    if (before !== undefined) {
      const after = await this.containers.cpuUsage(space).catch(() => undefined);
      if (after !== undefined) this.cpu!.discount(space, after - before);
    }
    const now = this.clock();
    for (const row of live) {
      const status = statuses.get(row.id);
      if (row.startedAt === null) {
        // Started by a server that died before it heard back: adopt it if the supervisor has it.
        if (status?.startedAt !== undefined) this.tasks.adoptStarted(row, status.startedAt);
        else if (now - row.createdAt > START_GRACE_MS) this.tasks.finish(row, interrupted("the task never started (the server stopped while starting it)"));
        if (!status) continue;
      }
      const verdict = observe(status);
      if (verdict.kind === "ended") {
        if (status?.state === "exited") this.tasks.apply(row, status);
        else this.tasks.finish(row, verdict.outcome, status);
      } else if (status) this.tasks.apply(row, status);
    }
  }
}
