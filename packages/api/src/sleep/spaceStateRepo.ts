import type { Db } from "../store/db.js";

export type PausedBy = "user" | "idle";

export interface SpaceStateRow {
  name: string;
  lastActivityAt: number;
  lastActivitySource: string;
  pausedBy: PausedBy | null;
  pausedAt: number | null;
  hibernatedAt: number | null;
  leaseUntil: number | null;
  veto: string | null;
  vetoAt: number | null;
}

interface RawRow {
  name: string;
  last_activity_at: number;
  last_activity_source: string;
  paused_by: PausedBy | null;
  paused_at: number | null;
  hibernated_at: number | null;
  lease_until: number | null;
  veto: string | null;
  veto_at: number | null;
}

const fromRaw = (r: RawRow): SpaceStateRow => ({
  name: r.name,
  lastActivityAt: r.last_activity_at,
  lastActivitySource: r.last_activity_source,
  pausedBy: r.paused_by,
  pausedAt: r.paused_at,
  hibernatedAt: r.hibernated_at,
  leaseUntil: r.lease_until,
  veto: r.veto,
  vetoAt: r.veto_at,
});

/** Per-space sleep state that must survive a restart of the server. Docker stays the truth for what exists. */
export class SpaceStateRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      all: db.prepare<[], RawRow>("SELECT * FROM space_state"),
      get: db.prepare<[string], RawRow>("SELECT * FROM space_state WHERE name = ?"),
      upsert: db.prepare(
        `INSERT INTO space_state (name, last_activity_at, last_activity_source, paused_by, paused_at, hibernated_at, lease_until, veto, veto_at)
         VALUES (@name, @lastActivityAt, @lastActivitySource, @pausedBy, @pausedAt, @hibernatedAt, @leaseUntil, @veto, @vetoAt)
         ON CONFLICT(name) DO UPDATE SET last_activity_at = excluded.last_activity_at, last_activity_source = excluded.last_activity_source,
           paused_by = excluded.paused_by, paused_at = excluded.paused_at, hibernated_at = excluded.hibernated_at,
           lease_until = excluded.lease_until, veto = excluded.veto, veto_at = excluded.veto_at`,
      ),
      remove: db.prepare<[string]>("DELETE FROM space_state WHERE name = ?"),
    };
  }

  all(): SpaceStateRow[] {
    return this.stmts.all.all().map(fromRaw);
  }

  get(name: string): SpaceStateRow | undefined {
    const r = this.stmts.get.get(name);
    return r ? fromRaw(r) : undefined;
  }

  save(row: SpaceStateRow): void {
    this.stmts.upsert.run(row);
  }

  remove(name: string): void {
    this.stmts.remove.run(name);
  }
}
