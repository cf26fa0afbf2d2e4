import type { Db } from "./db.js";

export interface AuditInput {
  space?: string;
  type: string;
  actor?: string;
  requestId?: string;
  meta?: Record<string, unknown>;
  /** When it happened (epoch ms), if not now: a shell command's own timestamp. */
  ts?: number;
}

export interface AuditEvent {
  id: number;
  ts: string;
  space?: string;
  type: string;
  actor?: string;
  requestId?: string;
  meta?: Record<string, unknown>;
}

export interface AuditQuery {
  space?: string;
  type?: string;
  limit: number;
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

/** Append-only event log; written synchronously, so an event is on disk before the answer that caused it. */
export class AuditLog {
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {
    this.insert = db.prepare(
      "INSERT INTO audit (ts, space, type, actor, request_id, meta) VALUES (@ts, @space, @type, @actor, @requestId, @meta)",
    );
  }

  append(e: AuditInput): number {
    const info = this.insert.run({
      ts: e.ts ?? this.clock(),
      space: e.space ?? null,
      type: e.type,
      actor: e.actor ?? null,
      requestId: e.requestId ?? null,
      meta: e.meta ? JSON.stringify(e.meta) : null,
    });
    return Number(info.lastInsertRowid);
  }

  /** The newest `limit` matching events, oldest first. */
  query(q: AuditQuery): AuditEvent[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit };
    if (q.space) {
      where.push("space = @space");
      params.space = q.space;
    }
    if (q.type) {
      where.push("type = @type");
      params.type = q.type;
    }
    const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT @limit`;
    const rows = this.db.prepare<Record<string, unknown>, RawEvent>(sql).all(params);
    return rows.reverse().map((r) => ({
      id: r.id,
      ts: new Date(r.ts).toISOString(),
      ...(r.space ? { space: r.space } : {}),
      type: r.type,
      ...(r.actor ? { actor: r.actor } : {}),
      ...(r.request_id ? { requestId: r.request_id } : {}),
      ...(r.meta ? { meta: JSON.parse(r.meta) as Record<string, unknown> } : {}),
    }));
  }
}
