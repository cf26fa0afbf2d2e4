import type { ContainersPort } from "../engine/ports/containers.js";
import type { Clock } from "../core/clock.js";

interface Sample {
  usageNs: number;
  at: number;
}

export interface CpuVerdict {
  busy: boolean;
  percent: number;
  at: number;
}

/** CPU time over wall time as a percent of one CPU (200 = two full cores), to one decimal. */
export function percentOfOneCpu(cpuNs: number, wallMs: number): number {
  return Math.round((cpuNs / 1e6 / wallMs) * 1000) / 10;
}

/**
 * Decides whether a space's own processes are busy from two cumulative CPU
 * readings taken a window apart. Only spaces about to sleep are read, one
 * cheap one-shot read each, so the cost does not grow with idle spaces.
 */
export class CpuMonitor {
  private readonly samples = new Map<string, Sample>();
  private readonly verdicts = new Map<string, CpuVerdict>();

  constructor(
    private readonly containers: Pick<ContainersPort, "cpuUsage">,
    private readonly clock: Clock,
    private readonly thresholdPct: number,
    /** A previous reading older than this is too diluted to judge by: start a new window instead. */
    private readonly maxWindowMs: number,
  ) {}

  latest(space: string): CpuVerdict | undefined {
    return this.verdicts.get(space);
  }

  /** Takes a reading; returns a verdict when a usable earlier reading exists, else undefined (ask again next tick). */
  async measure(space: string): Promise<CpuVerdict | undefined> {
    const usageNs = await this.containers.cpuUsage(space);
    const at = this.clock();
    const prev = this.samples.get(space);
    this.samples.set(space, { usageNs, at });
    if (!prev || at - prev.at > this.maxWindowMs || at <= prev.at || usageNs < prev.usageNs) return undefined;
    const percent = percentOfOneCpu(usageNs - prev.usageNs, at - prev.at);
    const verdict = { busy: percent > this.thresholdPct, percent, at };
    this.verdicts.set(space, verdict);
    return verdict;
  }

  /** A verdict over a window of its own (for an on-demand explanation), leaving the worker's window alone. */
  async measureApart(space: string, windowMs: number): Promise<CpuVerdict> {
    const before = await this.containers.cpuUsage(space);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const after = await this.containers.cpuUsage(space);
    const percent = percentOfOneCpu(after - before, Math.max(1, Date.now() - t0));
    const verdict = { busy: percent > this.thresholdPct, percent, at: this.clock() };
    // A real measurement: later explanations (and the worker) may use it while it is fresh.
    this.verdicts.set(space, verdict);
    return verdict;
  }

  /** Starts a new window from now, so CPU we spent inside the space (a veto probe) is not taken for its own work. */
  async rebase(space: string): Promise<void> {
    this.samples.set(space, { usageNs: await this.containers.cpuUsage(space), at: this.clock() });
  }

  /** Takes CPU we spent inside the space (a status call) out of the current window, leaving the space's own work in it. */
  discount(space: string, ns: number): void {
    const prev = this.samples.get(space);
    if (prev && ns > 0) prev.usageNs += ns;
  }

  /** Whether a reading taken now would start a usable window for a decision due soon. */
  hasRecentSample(space: string): boolean {
    const prev = this.samples.get(space);
    return prev !== undefined && this.clock() - prev.at <= this.maxWindowMs;
  }

  forget(space: string): void {
    this.samples.delete(space);
    this.verdicts.delete(space);
  }
}
