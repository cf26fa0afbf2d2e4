import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditLog, openDb } from "@clawdspace/api";
import { summarize, type Summary } from "./stats.js";

const TYPES = ["space.exec", "space.file.write", "space.wake", "space.pause", "space.create"];

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Audit queries on a store of `events` events over `spaces` spaces, filled in one transaction. */
export async function benchAudit(events = 1_000_000, spaces = 1000, iterations = 50): Promise<{ fillMs: number; rows: Array<{ case: string; s: Summary }> }> {
  const dir = await mkdtemp(join(tmpdir(), "cs-bench-audit-"));
  const db = openDb(dir);
  try {
    const insert = db.prepare("INSERT INTO audit (ts, space, type, actor, request_id, meta) VALUES (?, ?, ?, ?, ?, ?)");
    const start = Date.now() - events * 1000;
    const fillMs = time(() =>
      db.transaction(() => {
        for (let i = 0; i < events; i++) {
          insert.run(start + i * 1000, `s${i % spaces}`, TYPES[i % TYPES.length], "default", `req-${i}`, `{"command":"echo ${i}","exitCode":0}`);
        }
      })(),
    );
    const audit = new AuditLog(db);
    const mid = Math.floor(events / 2);
    const cases: Array<[string, () => unknown]> = [
      ["space filter, newest 100", () => audit.query({ space: "s500", limit: 100 })],
      ["space + type filter, newest 100", () => audit.query({ space: "s500", type: "space.exec", limit: 100 })],
      ["space filter, page before the middle", () => audit.query({ space: "s500", limit: 100, before: mid })],
      ["space filter + time range", () => audit.query({ space: "s500", since: start + mid * 1000, until: start + (mid + 200_000) * 1000, limit: 100 })],
      ["no filter, newest 100", () => audit.query({ limit: 100 })],
      ["export one space (1000 events)", () => [...audit.iterate({ space: "s500" })]],
    ];
    const rows = cases.map(([name, fn]) => {
      fn();
      return { case: name, s: summarize(Array.from({ length: iterations }, () => time(fn))) };
    });
    return { fillMs, rows };
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function printAudit(events: number, r: Awaited<ReturnType<typeof benchAudit>>): void {
  console.log(`\n## audit queries (${events.toLocaleString("en")} events over 1000 spaces; filled in one transaction in ${(r.fillMs / 1000).toFixed(1)} s)`);
  console.log("| query | n | median ms | p90 ms |");
  console.log("|---|---|---|---|");
  for (const row of r.rows) console.log(`| ${row.case} | ${row.s.n} | ${row.s.median.toFixed(3)} | ${row.s.p90.toFixed(3)} |`);
}
