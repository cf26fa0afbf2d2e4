import type { Db } from "../store/db.js";

export interface HistoryCursor {
  offset: number;
  inode: number | null;
}

/** Per-space read position in the space's bash history file. */
export class HistoryCursorRepo {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      get: db.prepare<[string], { offset: number; inode: number | null }>("SELECT offset, inode FROM history_cursor WHERE space = ?"),
      set: db.prepare(
        `INSERT INTO history_cursor (space, offset, inode, updated_at) VALUES (@space, @offset, @inode, @at)
         ON CONFLICT(space) DO UPDATE SET offset = excluded.offset, inode = excluded.inode, updated_at = excluded.updated_at`,
      ),
      remove: db.prepare<[string]>("DELETE FROM history_cursor WHERE space = ?"),
    };
  }

  get(space: string): HistoryCursor {
    const r = this.stmts.get.get(space);
    return r ? { offset: r.offset, inode: r.inode } : { offset: 0, inode: null };
  }

  set(space: string, cursor: HistoryCursor, at: number): void {
    this.stmts.set.run({ space, offset: cursor.offset, inode: cursor.inode, at });
  }

  remove(space: string): void {
    this.stmts.remove.run(space);
  }

  /** Runs fn in one transaction, so events and the cursor that covers them are written together. */
  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }
}
