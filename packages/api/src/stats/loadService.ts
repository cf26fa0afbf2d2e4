import type { AllStats, SpaceLoad } from "@clawdspace/shared";
import type { Clock } from "../core/clock.js";
import { runPool } from "../core/pool.js";
import { percentOfOneCpu } from "../sleep/cpuMonitor.js";
import type { ContainersPort, ContainerUsage, SpaceRecord } from "../engine/ports/containers.js";

interface Reading {
  cpuNs: number;
  at: number;
}

interface Trend {
  points: number[];
  lastAt: number;
}

export interface LoadOptions {
  /** One trend point per step; a request within a step of the last point adds none. */
  trendStepMs: number;
  /** How much trend is kept (trendMs / trendStepMs points). */
  trendMs: number;
  /** An answer this young is handed to the next caller as it is: many open tabs cost one read. */
  reuseMs: number;
  /** Reads in flight at once (file reads locally; stats calls against a remote engine). */
  concurrency: number;
}

/**
 * The load of every space in one request: one engine list, then one usage read per running or
 * paused space (host cgroup files when the engine is local, as the sleep worker's CPU monitor
 * reads them). CPU percent is the CPU time between this read and the previous one; the trend
 * is kept here while someone looks, so a reload still shows the last minutes.
 */
export class LoadService {
  private readonly readings = new Map<string, Reading>();
  private readonly trends = new Map<string, Trend>();
  private inFlight: Promise<AllStats> | null = null;
  private last: { answer: AllStats; at: number } | null = null;

  constructor(
    private readonly containers: Pick<ContainersPort, "list" | "usage">,
    private readonly clock: Clock,
    private readonly opts: LoadOptions,
  ) {}

  async all(): Promise<AllStats> {
    if (this.last && this.clock() - this.last.at < this.opts.reuseMs) return this.last.answer;
    // Concurrent callers share one read instead of each listing and reading every space.
    this.inFlight ??= this.read().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async read(): Promise<AllStats> {
    const records = (await this.containers.list()).filter((r) => r.state !== "stopped");
    const loads: Array<SpaceLoad | null> = [];
    await runPool(records.map((r, i) => async () => void (loads[i] = await this.readOne(r))), this.opts.concurrency);
    const live = new Set(records.map((r) => r.name));
    for (const name of this.readings.keys()) if (!live.has(name)) this.forget(name);
    const at = this.clock();
    const answer: AllStats = { stats: loads.filter((l): l is SpaceLoad => l !== null), trendStepMs: this.opts.trendStepMs, at: new Date(at).toISOString() };
    this.last = { answer, at };
    return answer;
  }

  private async readOne(r: SpaceRecord): Promise<SpaceLoad | null> {
    let u: ContainerUsage;
    try {
      u = await this.containers.usage(r.name);
    } catch {
      // removed between the list and the read, or unreadable: leave it out of this answer
      return null;
    }
    const at = this.clock();
    const prev = this.readings.get(r.name);
    this.readings.set(r.name, { cpuNs: u.cpuNs, at });
    const usable = prev && at > prev.at && u.cpuNs >= prev.cpuNs;
    const cpuPercent = usable ? percentOfOneCpu(u.cpuNs - prev.cpuNs, at - prev.at) : null;
    const trend = this.addPoint(r.name, cpuPercent, at);
    return {
      name: r.name,
      state: r.state === "paused" ? "paused" : "running",
      cpuPercent,
      memoryUsageBytes: u.memoryUsageBytes,
      memoryLimitBytes: u.memoryLimitBytes,
      pids: u.pids,
      at: new Date(at).toISOString(),
      trend,
    };
  }

  private addPoint(name: string, cpuPercent: number | null, at: number): number[] {
    const { trendStepMs: step, trendMs } = this.opts;
    let t = this.trends.get(name);
    // Nobody looked for a while: a trend across the gap would draw a line through minutes we never saw.
    if (t && at - t.lastAt > 3 * step) t = undefined;
    if (!t) {
      t = { points: [], lastAt: -Infinity };
      this.trends.set(name, t);
    }
    if (cpuPercent !== null && at - t.lastAt >= step) {
      t.points.push(cpuPercent);
      t.lastAt = at;
      const max = Math.max(1, Math.floor(trendMs / step));
      if (t.points.length > max) t.points.splice(0, t.points.length - max);
    }
    return [...t.points];
  }

  forget(name: string): void {
    this.readings.delete(name);
    this.trends.delete(name);
  }
}
