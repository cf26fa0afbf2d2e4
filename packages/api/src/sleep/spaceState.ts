import type { PausedBy, SpaceStateRepo, SpaceStateRow } from "./spaceStateRepo.js";
import type { Clock } from "../core/clock.js";

/** How often coalesced activity marks reach the disk; a restart loses at most this much activity history. */
const FLUSH_MS = 1000;

/**
 * Per-space sleep state in memory, backed by the store. Activity marks are
 * frequent (every keystroke), so they are coalesced and flushed each second;
 * pause, hibernate and wake transitions are written through at once.
 */
export class SpaceStateStore {
  private readonly rows = new Map<string, SpaceStateRow>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repo: SpaceStateRepo,
    private readonly clock: Clock,
  ) {
    for (const row of repo.all()) this.rows.set(row.name, row);
  }

  has(name: string): boolean {
    return this.rows.has(name);
  }

  names(): string[] {
    return [...this.rows.keys()];
  }

  /** The space's row; a space seen for the first time counts as active now, so it is never paused on sight. */
  get(name: string, firstSeen: { at: number; source: string } = { at: this.clock(), source: "seen" }): SpaceStateRow {
    let row = this.rows.get(name);
    if (!row) {
      row = {
        name,
        lastActivityAt: firstSeen.at,
        lastActivitySource: firstSeen.source,
        pausedBy: null,
        pausedAt: null,
        hibernatedAt: null,
        leaseUntil: null,
        veto: null,
        vetoAt: null,
      };
      this.rows.set(name, row);
      this.repo.save(row);
    }
    return row;
  }

  peek(name: string): SpaceStateRow | undefined {
    return this.rows.get(name);
  }

  touch(name: string, source: string, at: number): void {
    const row = this.get(name, { at, source });
    if (at < row.lastActivityAt) return;
    row.lastActivityAt = at;
    row.lastActivitySource = source;
    this.dirty.add(name);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  /** Writes a state transition through immediately. */
  update(name: string, patch: Partial<Omit<SpaceStateRow, "name">>): SpaceStateRow {
    const row = Object.assign(this.get(name), patch);
    this.dirty.delete(name);
    this.repo.save(row);
    return row;
  }

  markPaused(name: string, by: PausedBy, at: number): void {
    this.update(name, { pausedBy: by, pausedAt: at, hibernatedAt: null });
  }

  clearSleep(name: string): void {
    const row = this.peek(name);
    if (row && (row.pausedBy || row.hibernatedAt || row.veto)) this.update(name, { pausedBy: null, pausedAt: null, hibernatedAt: null, veto: null, vetoAt: null });
  }

  remove(name: string): void {
    this.rows.delete(name);
    this.dirty.delete(name);
    this.repo.remove(name);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const name of this.dirty) {
      const row = this.rows.get(name);
      if (row) this.repo.save(row);
    }
    this.dirty.clear();
  }
}
