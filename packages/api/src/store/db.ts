import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

/** Schema changes in order; the database's user_version says how many have run. Never edit one that shipped. */
const MIGRATIONS: string[] = [
  `CREATE TABLE space_state (
     name TEXT PRIMARY KEY,
     last_activity_at INTEGER NOT NULL,
     last_activity_source TEXT NOT NULL,
     paused_by TEXT,
     paused_at INTEGER,
     hibernated_at INTEGER,
     lease_until INTEGER,
     veto TEXT,
     veto_at INTEGER
   );
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     ts INTEGER NOT NULL,
     space TEXT,
     type TEXT NOT NULL,
     actor TEXT,
     request_id TEXT,
     meta TEXT
   );
   CREATE INDEX audit_space ON audit(space, id);
   CREATE INDEX audit_type ON audit(type, id);
   CREATE INDEX audit_ts ON audit(ts);`,
  // How far each space's /workspace/.bash_history has been read into the audit log (bytes, and the file's inode to spot a rotation).
  `CREATE TABLE history_cursor (
     space TEXT PRIMARY KEY,
     offset INTEGER NOT NULL,
     inode INTEGER,
     updated_at INTEGER NOT NULL
   );`,
  // issue 8: templates, as the operator wrote them (YAML or JSON text)
  `CREATE TABLE templates (
     name TEXT PRIMARY KEY,
     yaml TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
  // GET /api/audit?space=&type= (a space's execs, say) walks this instead of filtering a space's whole history.
  `CREATE INDEX audit_space_type ON audit(space, type, id);`,
  // issue 14: background tasks. Env values are never stored (names only), the command is stored masked.
  `CREATE TABLE tasks (
     id TEXT PRIMARY KEY,
     space TEXT NOT NULL,
     name TEXT,
     command TEXT NOT NULL,
     cwd TEXT NOT NULL,
     env_names TEXT NOT NULL,
     keep_awake INTEGER NOT NULL,
     timeout_ms INTEGER,
     state TEXT NOT NULL,
     reason TEXT,
     exit_code INTEGER,
     signal TEXT,
     created_at INTEGER NOT NULL,
     started_at INTEGER,
     ended_at INTEGER,
     stdout_bytes INTEGER NOT NULL DEFAULT 0,
     stderr_bytes INTEGER NOT NULL DEFAULT 0,
     container_started_at INTEGER
   );
   CREATE INDEX tasks_space ON tasks(space, created_at);
   CREATE INDEX tasks_state ON tasks(state, created_at);`,
  // issue 15: agent runs, one per task that runs Claude Code. Credentials are never stored; the prompt is masked.
  `CREATE TABLE agent_runs (
     id TEXT PRIMARY KEY,
     space TEXT NOT NULL,
     prompt TEXT NOT NULL,
     resume TEXT,
     model TEXT,
     max_turns INTEGER,
     session_id TEXT,
     result TEXT,
     is_error INTEGER,
     num_turns INTEGER,
     duration_ms INTEGER,
     cost_usd REAL,
     usage TEXT,
     error TEXT,
     summarized INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX agent_runs_space ON agent_runs(space, created_at);`,
];

/** Opens (or creates) the embedded store: WAL so readers never wait on the worker's writes. */
export function openDb(dataDir: string | ":memory:"): Db {
  let path = ":memory:";
  if (dataDir !== ":memory:") {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    path = join(dataDir, "clawdspace.db");
  }
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
