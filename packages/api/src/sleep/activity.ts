import type { SpaceStateStore } from "./spaceState.js";
import type { Clock } from "../core/clock.js";


export interface ActivityMark {
  at: number;
  source: string;
}

export type RunningKind = "exec" | "terminal" | "task";

/**
 * One place every source reports activity to: API calls, execs, terminals, leases,
 * the space's own CPU. An exec counts for its whole life, not only when it starts;
 * a terminal counts per keystroke (and output shortly after one), never merely for
 * being attached. Reads (listing, looking) never call this.
 */
export class ActivityTracker {
  private readonly running = new Map<string, Record<RunningKind, number>>();

  constructor(
    private readonly state: SpaceStateStore,
    private readonly clock: Clock = Date.now,
  ) {}

  now(): number {
    return this.clock();
  }

  record(space: string, source: string): void {
    this.state.touch(space, source, this.clock());
  }

  /** Marks a long-running operation; call the returned function when it ends. */
  begin(space: string, kind: RunningKind): () => void {
    this.record(space, kind);
    const counts = this.running.get(space) ?? { exec: 0, terminal: 0, task: 0 };
    counts[kind]++;
    this.running.set(space, counts);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      counts[kind] = Math.max(0, counts[kind] - 1);
      if (counts.exec === 0 && counts.terminal === 0 && counts.task === 0) this.running.delete(space);
      this.record(space, kind);
    };
  }

  lastActivity(space: string): ActivityMark | undefined {
    const row = this.state.peek(space);
    return row ? { at: row.lastActivityAt, source: row.lastActivitySource } : undefined;
  }

  runningCounts(space: string): Record<RunningKind, number> {
    return { ...(this.running.get(space) ?? { exec: 0, terminal: 0, task: 0 }) };
  }

  /** Holds the space awake until `until` (a keep-alive lease). */
  lease(space: string, until: number): void {
    this.state.update(space, { leaseUntil: until });
    this.record(space, "keepalive");
  }

  forget(space: string): void {
    this.running.delete(space);
    this.state.remove(space);
  }
}
