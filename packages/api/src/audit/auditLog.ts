import { AuditUnavailableError } from "../core/errors.js";
import type { AuditEvent, AuditExportQuery, AuditQuery } from "@clawdspace/shared";
import { maskDeep } from "../core/mask.js";
import type { Db } from "../store/db.js";

export type { AuditEvent };

export interface AuditInput {
  space?: string;
  type: string;
  actor?: string;
  requestId?: string;
  meta?: Record<string, unknown>;
  /** When it happened (epoch ms), if not now: a shell command's own timestamp. */
  ts?: number;
}

export interface AuditRetention {
  /** Events older than this are deleted; 0 keeps them forever. */
  maxAgeMs: number;
  /** Only the newest this many are kept; 0 keeps them all. */
  maxEvents: number;
}

interface RawEvent {
  id: number;
  ts: number;
  space: string | null;
  type: string;
  actor: string | null;
  request_id: string | null;
  meta: string | null;
}

type Filter = Partial<Pick<AuditQuery, "space" | "type" | "before" | "after" | "since" | "until">>;

/** Rows deleted per statement, so retention never holds the write lock for long. */
const DELETE_BATCH = 5_000;

function where(q: Filter): { sql: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  const add = (cond: string, key: string, value: unknown) => {
    if (value === undefined) return;
    parts.push(cond);
    params[key] = value;
  };
  add("space = @space", "space", q.space);
  add("type = @type", "type", q.type);
  add("id < @before", "before", q.before);
  add("id > @after", "after", q.after);
  add("ts >= @since", "since", q.since);
  add("ts <= @until", "until", q.until);
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", params };
}

function toEvent(r: RawEvent): AuditEvent {
  return {
    id: r.id,
    ts: new Date(r.ts).toISOString(),
    ...(r.space ? { space: r.space } : {}),
    type: r.type,
    ...(r.actor ? { actor: r.actor } : {}),
    ...(r.request_id ? { requestId: r.request_id } : {}),
    ...(r.meta ? { meta: JSON.parse(r.meta) as Record<string, unknown> } : {}),
  };
}

/**
 * Append-only event log; written synchronously, so an event is on disk before the answer
 * that caused it. Every string in `meta` is masked here, whichever feature wrote it.
 */
export class AuditLog {
  private readonly insert;
  private readonly listeners: Array<(e: AuditInput & { id: number }) => void> = [];
  private readonly statements = new Map<string, import("better-sqlite3").Statement<unknown[]>>();

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {
    this.insert = db.prepare(
      "INSERT INTO audit (ts, space, type, actor, request_id, meta) VALUES (@ts, @space, @type, @actor, @requestId, @meta)",
    );
  }

  /** Called after each append (metrics count from it); a listener that throws is ignored. */
  subscribe(listener: (e: AuditInput & { id: number }) => void): void {
    this.listeners.push(listener);
  }

  append(e: AuditInput): number {
    const id = this.write(e);
    for (const l of this.listeners) {
      try {
        l({ ...e, id });
      } catch {
        // a listener's failure must never undo or hide the event
      }
    }
    return id;
  }

  private write(e: AuditInput): number {
    try {
      return this.insertRow(e);
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      if (!code.startsWith("SQLITE_")) throw err;
      throw new AuditUnavailableError(`The audit log cannot be written (${code}: ${(err as Error).message}); free space in the data directory`);
    }
  }

  private insertRow(e: AuditInput): number {
    const info = this.insert.run({
      ts: e.ts ?? this.clock(),
      space: e.space ?? null,
      type: e.type,
      actor: e.actor ?? null,
      requestId: e.requestId ?? null,
      meta: e.meta ? JSON.stringify(maskDeep(e.meta)) : null,
    });
    return Number(info.lastInsertRowid);
  }

  private stmt(sql: string) {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[]>(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /**
   * The newest `limit` matching events, oldest first. With `after` alone it answers the
   * oldest `limit` events after that id instead, so a follower never skips any.
   */
  query(q: Filter & { limit: number }): AuditEvent[] {
    const w = where(q);
    const forward = q.after !== undefined && q.before === undefined;
    const rows = this.stmt(`SELECT * FROM audit ${w.sql} ORDER BY id ${forward ? "ASC" : "DESC"} LIMIT @limit`).all({
      ...w.params,
      limit: q.limit,
    }) as RawEvent[];
    if (!forward) rows.reverse();
    return rows.map(toEvent);
  }

  /** Every matching event, oldest first, read in keyset pages so the whole log is never in memory. */
  *iterate(q: AuditExportQuery, pageSize = 1000): Generator<AuditEvent> {
    let after = q.after ?? 0;
    let left = q.limit ?? Number.POSITIVE_INFINITY;
    while (left > 0) {
      const page = this.query({ ...q, before: undefined, after, limit: Math.min(pageSize, left) });
      for (const e of page) yield e;
      if (page.length === 0) return;
      left -= page.length;
      after = page[page.length - 1]!.id;
    }
  }

  /** Deletes what the retention policy no longer keeps, a batch at a time; answers how many went. */
  prune(policy: AuditRetention, now = this.clock()): number {
    let removed = 0;
    if (policy.maxAgeMs > 0) {
      const cutoff = now - policy.maxAgeMs;
      const del = this.stmt(`DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE ts < @cutoff ORDER BY ts LIMIT ${DELETE_BATCH})`);
      for (let n = DELETE_BATCH; n === DELETE_BATCH; removed += n) n = del.run({ cutoff }).changes;
    }
    if (policy.maxEvents > 0) {
      const newest = (this.stmt("SELECT MAX(id) AS id FROM audit").get() as { id: number | null }).id ?? 0;
      const keepFrom = newest - policy.maxEvents + 1;
      // ids are AUTOINCREMENT and only ever deleted from the old end, so "the newest N" is an id range.
      const del = this.stmt(`DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE id < @keepFrom ORDER BY id LIMIT ${DELETE_BATCH})`);
      for (let n = DELETE_BATCH; n === DELETE_BATCH; removed += n) n = del.run({ keepFrom }).changes;
    }
    return removed;
  }

  /** The distinct types in the log, walked along the type index (one seek per type, not a scan of every event). */
  types(): string[] {
    const rows = this.stmt(
      "WITH RECURSIVE t(type) AS (SELECT MIN(type) FROM audit UNION ALL SELECT (SELECT MIN(type) FROM audit WHERE type > t.type) FROM t WHERE t.type IS NOT NULL) SELECT type FROM t WHERE type IS NOT NULL",
    ).all() as Array<{ type: string }>;
    return rows.map((r) => r.type);
  }

  count(): number {
    return (this.stmt("SELECT COUNT(*) AS n FROM audit").get() as { n: number }).n;
  }
}
