import type { Db } from "../store/db.js";

export interface TemplateRow {
  name: string;
  yaml: string;
  updatedAt: number;
}

/** Stored templates: the text as the operator wrote it, parsed again on read so a schema change never serves stale fields. */
export class TemplateRepo {
  constructor(private readonly db: Db) {}

  list(): TemplateRow[] {
    return (this.db.prepare("SELECT name, yaml, updated_at FROM templates ORDER BY name").all() as Array<Record<string, unknown>>).map(toRow);
  }

  get(name: string): TemplateRow | null {
    const r = this.db.prepare("SELECT name, yaml, updated_at FROM templates WHERE name = ?").get(name) as Record<string, unknown> | undefined;
    return r ? toRow(r) : null;
  }

  put(name: string, yaml: string, at: number): void {
    this.db
      .prepare("INSERT INTO templates (name, yaml, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET yaml = excluded.yaml, updated_at = excluded.updated_at")
      .run(name, yaml, at);
  }

  delete(name: string): boolean {
    return this.db.prepare("DELETE FROM templates WHERE name = ?").run(name).changes > 0;
  }
}

const toRow = (r: Record<string, unknown>): TemplateRow => ({ name: String(r.name), yaml: String(r.yaml), updatedAt: Number(r.updated_at) });
