import type { WakeTier } from "@clawdspace/shared";
import type { Logger } from "pino";
import type { Actor } from "../core/actor.js";
import { StateConflictError } from "../core/errors.js";
import { ConflictError } from "../engine/errors.js";
import type { ContainersPort } from "../engine/ports/containers.js";
import type { VolumesPort } from "../engine/ports/volumes.js";
import type { AuditLog } from "../audit/auditLog.js";
import { KeyedLock } from "../core/keyedLock.js";
import type { ActivityTracker } from "../sleep/activity.js";
import type { CpuMonitor } from "../sleep/cpuMonitor.js";
import type { SpaceEvents, SpaceEventState } from "../events/spaceEvents.js";
import type { SpaceStateStore } from "../sleep/spaceState.js";

export interface SpaceLifecycleDeps {
  containers: ContainersPort;
  volumes: VolumesPort;
  activity: ActivityTracker;
  state: SpaceStateStore;
  audit: AuditLog;
  cpu: CpuMonitor;
  log: Logger;
  events: SpaceEvents;
}

/** Called once when an operation had to wake the space first (so a streaming answer can say so early). */
export type OnWake = (tier: WakeTier) => void;

/**
 * A space from running to paused or stopped and back, and its removal. Every change of one
 * space runs under its lock, and every wake, whatever caused it, goes through wake().
 */
export class SpaceLifecycle {
  private readonly lock = new KeyedLock();

  constructor(private readonly d: SpaceLifecycleDeps) {}

  /** Runs fn while holding the space's lock (creation, the sleep worker's steps and the changes here). */
  locked<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(name, fn);
  }

  /** Announces a state change on the bus. */
  emitState(space: string, state: SpaceEventState, cause: string): void {
    this.d.events.emit({ space, state, cause, at: this.d.activity.now() });
  }

  async remove(name: string, removeVolume: boolean, who: Actor = {}): Promise<string> {
    return this.locked(name, async () => {
      const record = await this.d.containers.inspect(name);
      await this.d.containers.remove(name);
      this.d.activity.forget(name);
      this.d.cpu.forget(name);
      this.d.audit.append({ ...who, space: name, type: "space.destroy", meta: { removeVolume } });
      if (removeVolume && record.volume.name) await this.d.volumes.remove(record.volume.name);
      this.d.log.info({ space: name, removeVolume }, "space destroyed");
      this.emitState(name, "destroyed", "user");
      return removeVolume ? `Space ${name} destroyed with its volume` : `Space ${name} destroyed; volume ${record.volume.name} kept`;
    });
  }

  /** Pauses a space on a person's request; pausing a paused space is a no-op. The worker will not wake it. */
  async pause(name: string, who: Actor = {}): Promise<string> {
    return this.locked(name, async () => {
      const record = await this.d.containers.inspect(name);
      if (record.state === "stopped") {
        throw new StateConflictError("SPACE_STATE_CONFLICT", `Space ${name} is stopped; there is nothing to pause (start it first)`);
      }
      if (record.state === "paused") {
        // A space the worker put to sleep becomes the person's: it stays paused until they resume it.
        if (this.d.state.get(name).pausedBy !== "user") {
          this.d.state.markPaused(name, "user", this.d.activity.now());
          this.emitState(name, "paused", "user");
        }
        return `Space ${name} is already paused`;
      }
      await this.d.containers.pause(name);
      this.d.state.markPaused(name, "user", this.d.activity.now());
      this.d.audit.append({ ...who, space: name, type: "space.pause", meta: { reason: "user" } });
      this.d.log.info({ space: name, by: "user" }, "space paused");
      this.emitState(name, "paused", "user");
      return `Space ${name} paused`;
    });
  }

  /** Resumes a paused space or starts a stopped one; reports which wake it took. */
  async start(name: string, who: Actor = {}): Promise<{ message: string; wake?: WakeTier }> {
    const wake = await this.wake(name, "start", who);
    this.d.activity.record(name, "start");
    this.d.audit.append({ ...who, space: name, type: "space.start", meta: wake ? { wake } : {} });
    if (!wake) return { message: `Space ${name} is already running` };
    return { message: `Space ${name} ${wake === "warm" ? "resumed" : "started"}`, wake };
  }

  /** Brings a space to running from either tier; undefined when it already ran. */
  async wake(name: string, cause: string, who: Actor = {}): Promise<WakeTier | undefined> {
    return this.locked(name, async () => {
      const record = await this.d.containers.inspect(name);
      if (record.state === "running") return undefined;
      const tier: WakeTier = record.state === "paused" ? "warm" : "cold";
      const row = this.d.state.get(name);
      const from = tier === "warm" ? (row.pausedBy === "idle" ? "sleeping" : "paused") : row.hibernatedAt ? "hibernated" : "stopped";
      if (tier === "warm") await this.d.containers.unpause(name);
      else await this.d.containers.start(name);
      this.d.state.clearSleep(name);
      this.d.activity.record(name, "wake");
      this.d.audit.append({ ...who, space: name, type: "space.wake", meta: { tier, cause, from } });
      this.d.log.info({ space: name, tier, cause, from }, "space woken");
      this.emitState(name, "running", `wake:${cause}`);
      return tier;
    });
  }

  /**
   * Starts a space that stopped without us (engine restart, reboot, its init killed) unless
   * it was hibernated meanwhile; the caller has put its network's rules in place first.
   */
  async restore(name: string): Promise<boolean> {
    return this.locked(name, async () => {
      const record = await this.d.containers.inspect(name);
      if (record.state !== "stopped" || this.d.state.peek(name)?.hibernatedAt) return false;
      await this.d.containers.start(name);
      this.d.activity.record(name, "start");
      this.d.audit.append({ actor: "server", space: name, type: "space.start", meta: { reason: "restore" } });
      this.d.log.info({ space: name }, "started a space that stopped without the server, after its network rules");
      this.emitState(name, "running", "restore");
      return true;
    });
  }

  /**
   * Runs fn against the space, waking it when the engine refuses because it sleeps, then
   * once more. The first attempt goes straight to the engine (no inspect for a running
   * space on the hot path); a refused attempt ran nothing, so the retry is safe for uploads.
   * The one wake path for exec, files, terminals and whatever comes next: its audit event
   * always carries who asked.
   */
  async withWake<T>(name: string, cause: string, who: Actor, fn: () => Promise<T>, onWake?: OnWake): Promise<{ value: T; wake?: WakeTier }> {
    try {
      return { value: await fn() };
    } catch (e) {
      if (!(e instanceof ConflictError) || (e.reason !== "paused" && e.reason !== "not-running")) throw e;
      // Someone else may have woken it meanwhile: it was asleep a moment ago, so "warm" is the honest answer.
      const wake = (await this.wake(name, cause, who)) ?? "warm";
      onWake?.(wake);
      return { value: await fn(), wake };
    }
  }
}
