import type { Logger } from "pino";
import type { Actor } from "../core/actor.js";
import type { ContainersPort } from "../engine/ports/containers.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { ActivityTracker } from "./activity.js";
import type { CpuMonitor } from "./cpuMonitor.js";
import type { SpaceStateStore } from "./spaceState.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";
import type { SleepChecks } from "./checks.js";

export interface SleepServiceDeps {
  containers: ContainersPort;
  activity: ActivityTracker;
  state: SpaceStateStore;
  audit: AuditLog;
  cpu: CpuMonitor;
  log: Logger;
  lifecycle: SpaceLifecycle;
  checks: SleepChecks;
  /** Running tasks of a space, so the answer names what keeps it awake (and what does not). */
  tasks?: { runningIn(space: string): Array<{ id: string; name: string | null; keepAwake: boolean }> };
}

const iso = (t: number | null | undefined) => (t === null || t === undefined ? null : new Date(t).toISOString());

/** Sleep and hibernation: the worker's two steps, keepalive leases, and "why is it (not) asleep?". */
export class SleepService {
  /** Results of on-demand veto probes, so polling GET /sleep does not probe (and spend CPU in) the space each time. */
  private readonly vetoProbes = new Map<string, { veto: string | null; at: number }>();

  constructor(private readonly d: SleepServiceDeps) {}

  /**
   * The worker's pause. Re-checked under the space's lock: activity that arrived
   * after the decision wins, and a pause that raced with a starting exec is undone.
   */
  async pauseIdle(name: string, decidedAt: number, meta: Record<string, unknown>): Promise<boolean> {
    const { containers, checks } = this.d;
    return this.d.lifecycle.locked(name, async () => {
      if (!checks.stillIdle(name, decidedAt)) return false;
      await containers.pause(name);
      if (!checks.stillIdle(name, decidedAt)) {
        await containers.unpause(name);
        this.d.log.info({ space: name }, "idle pause raced with new activity; resumed");
        return false;
      }
      this.d.state.markPaused(name, "idle", this.d.activity.now());
      this.d.audit.append({ space: name, actor: "worker", type: "space.pause", meta: { reason: "idle", ...meta } });
      this.d.log.info({ space: name, reason: "idle", ...meta }, "space paused by the sleep worker");
      this.d.lifecycle.emitState(name, "sleeping", "idle");
      return true;
    });
  }

  /** Second tier: a sleeping space is stopped to free its memory; the volume stays. */
  async hibernate(name: string, meta: Record<string, unknown>): Promise<boolean> {
    const { containers } = this.d;
    return this.d.lifecycle.locked(name, async () => {
      const row = this.d.state.get(name);
      const record = await containers.inspect(name);
      if (record.state !== "paused" || row.pausedBy !== "idle") return false;
      // Thaw first so the processes get their SIGTERM and the grace period, as in any clean stop.
      await containers.unpause(name);
      // Announced before the stop, which ends every process in the space: a terminal can say why its shell went away.
      this.d.lifecycle.emitState(name, "hibernated", "idle");
      await containers.stop(name, 10);
      this.d.state.update(name, { pausedBy: null, pausedAt: null, hibernatedAt: this.d.activity.now() });
      this.d.audit.append({ space: name, actor: "worker", type: "space.hibernate", meta: { reason: "idle", ...meta } });
      this.d.log.info({ space: name, ...meta }, "space hibernated by the sleep worker");
      return true;
    });
  }

  /** Holds a space awake for ttlMs (clamped to the configured maximum); 0 releases the lease. Wakes it if asleep. */
  async keepalive(name: string, ttlMs: number, maxMs: number, who: Actor = {}) {
    // Releasing a lease needs nothing running; only a real lease wakes the space.
    const wake = ttlMs > 0 ? await this.d.lifecycle.wake(name, "keepalive", who) : (await this.d.containers.inspect(name), undefined);
    const granted = Math.min(ttlMs, maxMs);
    const until = granted > 0 ? this.d.activity.now() + granted : null;
    if (until === null) this.d.state.update(name, { leaseUntil: null });
    else this.d.activity.lease(name, until);
    this.d.audit.append({ ...who, space: name, type: "space.keepalive", meta: { ttlMs: granted, clamped: granted < ttlMs } });
    return { until: iso(until), ttlMs: granted, clamped: granted < ttlMs, ...(wake ? { wake } : {}) };
  }

  /**
   * "Would it pause now, and why (not)?" Uses the worker's own decision, and when
   * the clock says pause, runs the same CPU and veto checks the worker would.
   */
  async explain(name: string) {
    const { activity, cpu, checks } = this.d;
    const record = await this.d.containers.inspect(name);
    const decision = checks.decision(record);
    const blockedBy = [...decision.blockedBy] as Array<{ reason: string; until?: number; percent?: number }>;
    let wouldPauseNow = false;
    if (decision.action === "check") {
      // Reuse what the worker just learnt; measure apart from its window so looking is never taken for activity.
      const now = activity.now();
      const fresh = (at: number | undefined) => at !== undefined && now - at <= checks.policy.checkValidMs;
      const latest = cpu.latest(name);
      const measured = latest && fresh(latest.at) ? latest : await cpu.measureApart(name, 1000);
      const probed = this.vetoProbes.get(name);
      let veto = probed && fresh(probed.at) ? probed.veto : undefined;
      if (veto === undefined) {
        veto = await checks.veto(name);
        this.vetoProbes.set(name, { veto, at: activity.now() });
      }
      if (measured?.busy && !blockedBy.some((b) => b.reason === "cpu")) blockedBy.push({ reason: "cpu", percent: measured.percent });
      if (veto && !blockedBy.some((b) => b.reason === veto)) blockedBy.push({ reason: veto });
      wouldPauseNow = blockedBy.length === 0;
    }
    const last = activity.lastActivity(name);
    const tasks = this.d.tasks?.runningIn(name) ?? [];
    for (const b of blockedBy) if (b.reason === "task") Object.assign(b, { tasks: tasks.filter((t) => t.keepAwake).map(({ id, name }) => ({ id, name })) });
    return {
      state: decision.state,
      lastActivity: { at: iso(last?.at), source: last?.source ?? null },
      pauseAt: iso(decision.pauseAt),
      hibernateAt: iso(decision.hibernateAt),
      blockedBy: blockedBy.map((b) => ({ ...b, ...(b.until !== undefined ? { until: iso(b.until) } : {}) })),
      wouldPauseNow,
      wouldHibernateNow: decision.action === "hibernate",
      // keepAwake false tasks are listed too: they run but let the space sleep on schedule.
      tasks,
    };
  }
}
