export type Clock = () => number;

export interface ActivityMark {
  at: number;
  source: string;
}

/**
 * One place every source reports activity to (API calls, execs, terminals, leases).
 * A running exec counts as activity for its whole life, not only when it starts.
 * Reads (listing, looking at a space) never call this.
 */
export class ActivityTracker {
  private readonly last = new Map<string, ActivityMark>();
  private readonly running = new Map<string, number>();
  private readonly listeners = new Set<(space: string, mark: ActivityMark) => void>();

  constructor(private readonly clock: Clock = Date.now) {}

  record(space: string, source: string): void {
    const mark = { at: this.clock(), source };
    this.last.set(space, mark);
    for (const l of this.listeners) l(space, mark);
  }

  /** Marks a long-running operation; call the returned function when it ends. */
  begin(space: string, source: string): () => void {
    this.record(space, source);
    this.running.set(space, (this.running.get(space) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const n = (this.running.get(space) ?? 1) - 1;
      if (n <= 0) this.running.delete(space);
      else this.running.set(space, n);
      this.record(space, source);
    };
  }

  lastActivity(space: string): ActivityMark | undefined {
    return this.last.get(space);
  }

  runningCount(space: string): number {
    return this.running.get(space) ?? 0;
  }

  forget(space: string): void {
    this.last.delete(space);
    this.running.delete(space);
  }

  onActivity(listener: (space: string, mark: ActivityMark) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
