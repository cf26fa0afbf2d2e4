import type { Logger } from "pino";
import { runPool } from "../core/pool.js";
import type { ContainersPort, SpaceRecord } from "../engine/ports/containers.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { ActivityTracker } from "./activity.js";
import type { SleepChecks } from "./checks.js";
import type { SleepService } from "./sleepService.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";
import type { SpaceStateStore } from "./spaceState.js";
import type { CpuMonitor } from "./cpuMonitor.js";

export interface SleepWorkerOptions {
  checkMs: number;
  /** Per-space steps running at once, so a tick that puts many spaces to sleep does not flood the engine. */
  concurrency?: number;
  /** A per-space step slower than this is left to finish in the background; the tick moves on. */
  opTimeoutMs: number;
}

export interface TickReport {
  spaces: number;
  checked: number;
  paused: number;
  hibernated: number;
  repaused: number;
  skippedInFlight: number;
}

/**
 * Pauses idle spaces and hibernates long-sleeping ones. One engine list per tick;
 * per-space reads (CPU, veto) only for spaces at or near their deadline. Ticks
 * never overlap, and a space whose step is still running is skipped, so one slow
 * engine call cannot stall the rest.
 */
export class SleepWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  private readonly inFlight = new Set<string>();
  private readonly lastVeto = new Map<string, string>();

  constructor(
    private readonly containers: ContainersPort,
    private readonly sleep: SleepService,
    private readonly checks: SleepChecks,
    private readonly lifecycle: SpaceLifecycle,
    private readonly state: SpaceStateStore,
    private readonly activity: ActivityTracker,
    private readonly cpu: CpuMonitor,
    private readonly audit: AuditLog,
    private readonly opts: SleepWorkerOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((err) => this.log.warn({ err }, "sleep worker tick failed"))
        .finally(() => {
          this.running = null;
          this.schedule(this.opts.checkMs);
        });
    }, delay);
    this.timer.unref();
  }

  async tick(): Promise<TickReport> {
    const records = await this.containers.list();
    const report: TickReport = { spaces: records.length, checked: 0, paused: 0, hibernated: 0, repaused: 0, skippedInFlight: 0 };
    await this.reconcile(records, report);
    const steps: Array<() => Promise<void>> = [];
    for (const r of records) {
      if (this.inFlight.has(r.name)) {
        report.skippedInFlight++;
        continue;
      }
      const decision = this.checks.decision(r);
      let step: (() => Promise<void>) | null = null;
      if (decision.action === "hibernate") {
        step = async () => {
          if (await this.sleep.hibernate(r.name, { sleptMs: this.activity.now() - (this.state.get(r.name).pausedAt ?? 0) })) report.hibernated++;
        };
      } else if (decision.action === "check") {
        step = () => this.checkAndPause(r, report);
      } else if (decision.pauseAt !== null && decision.pauseAt - this.activity.now() <= this.opts.checkMs && !this.cpu.hasRecentSample(r.name)) {
        // Due within a tick: open the CPU window now so the verdict is ready when the deadline comes.
        step = async () => {
          await this.cpu.measure(r.name);
        };
      }
      if (step) {
        const name = r.name;
        const run = step;
        steps.push(() => this.guard(name, run));
      }
    }
    await runPool(steps, this.opts.concurrency ?? 8);
    if (report.paused || report.hibernated || report.repaused) this.log.debug({ ...report }, "sleep tick");
    return report;
  }

  /** Runs one space's step with a deadline; past it the step finishes in the background and the space is skipped until then. */
  private guard(name: string, step: () => Promise<void>): Promise<void> {
    this.inFlight.add(name);
    const work = step()
      .catch((err) => this.log.warn({ err, space: name }, "sleep step failed"))
      .finally(() => this.inFlight.delete(name));
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, this.opts.opTimeoutMs);
      t.unref();
      void work.finally(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private async checkAndPause(r: SpaceRecord, report: TickReport): Promise<void> {
    report.checked++;
    const decidedAt = this.activity.now();
    const cpu = await this.cpu.measure(r.name);
    if (!cpu) return; // first reading of a window; the verdict comes next tick
    if (cpu.busy) {
      this.activity.record(r.name, "cpu");
      return;
    }
    const veto = await this.checks.veto(r.name);
    if (veto) {
      this.state.update(r.name, { veto, vetoAt: this.activity.now() });
      if (this.lastVeto.get(r.name) !== veto) {
        this.lastVeto.set(r.name, veto);
        this.audit.append({ space: r.name, actor: "worker", type: "space.sleep.vetoed", meta: { reason: veto } });
        this.log.info({ space: r.name, reason: veto }, "pause vetoed; will retry next tick");
      }
      return;
    }
    this.lastVeto.delete(r.name);
    if (this.state.get(r.name).veto) this.state.update(r.name, { veto: null, vetoAt: null });
    const row = this.state.get(r.name);
    const paused = await this.sleep.pauseIdle(r.name, decidedAt, {
      idleMs: decidedAt - row.lastActivityAt,
      lastActivitySource: row.lastActivitySource,
      cpuPercent: cpu.percent,
    });
    if (paused) report.paused++;
  }

  /**
   * Docker is the truth for what exists: rows of vanished spaces go, and a space our
   * records call paused but the engine restarted (restart policy) is paused again.
   */
  private async reconcile(records: SpaceRecord[], report: TickReport): Promise<void> {
    const present = new Set(records.map((r) => r.name));
    for (const name of this.state.names()) {
      if (!present.has(name) && !this.inFlight.has(name)) {
        this.state.remove(name);
        this.cpu.forget(name);
        this.lastVeto.delete(name);
      }
    }
    for (const r of records) {
      const row = this.state.peek(r.name);
      if (!row) continue;
      if (r.state === "running" && row.pausedBy) {
        const exact = await this.containers.inspect(r.name).catch(() => null);
        if (exact?.startedAt && row.pausedAt !== null && exact.startedAt.getTime() > row.pausedAt) {
          await this.containers.pause(r.name).catch((err) => this.log.warn({ err, space: r.name }, "could not restore pause"));
          this.audit.append({ space: r.name, actor: "worker", type: "space.pause", meta: { reason: "restore", pausedBy: row.pausedBy } });
          this.log.info({ space: r.name, pausedBy: row.pausedBy }, "engine restarted a paused space; paused it again");
          report.repaused++;
          this.lifecycle.emitState(r.name, row.pausedBy === "idle" ? "sleeping" : "paused", "restore");
        } else {
          // Someone resumed it behind our back (docker unpause): it is awake now.
          this.state.clearSleep(r.name);
          this.activity.record(r.name, "wake");
          this.lifecycle.emitState(r.name, "running", "external");
        }
      } else if (r.state === "running" && row.hibernatedAt) {
        this.state.clearSleep(r.name);
        this.activity.record(r.name, "wake");
        this.lifecycle.emitState(r.name, "running", "external");
      }
    }
  }
}
