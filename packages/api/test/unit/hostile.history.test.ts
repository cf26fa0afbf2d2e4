import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { SpaceEvents } from "../../src/events/spaceEvents.js";
import { HistoryReader } from "../../src/terminal/historyReader.js";
import { AuditLog } from "../../src/audit/auditLog.js";
import { openDb } from "../../src/store/db.js";
import { HistoryCursorRepo } from "../../src/terminal/historyCursorRepo.js";
import { createSpace, makeApp } from "./helpers.js";

async function setup(files: Record<string, Buffer>, opts: { maxReadBytes: number; maxLinesPerPass?: number }) {
  const t = makeApp();
  for (const name of Object.keys(files)) await createSpace(t, name);
  t.fake.execHandler = (space, spec) => {
    const env = spec.env ?? {};
    const data = files[space]!;
    let off = Number(env.OFF);
    if (data.length < off || env.INODE !== "7") off = 0;
    return { stdout: Buffer.concat([Buffer.from(`${data.length} 7 ${off}\n`), data.subarray(off, off + Number(env.MAX))]), exitCode: 0 };
  };
  const db = openDb(":memory:");
  const audit = new AuditLog(db);
  const reader = new HistoryReader(t.fake.engine.exec, audit, new HistoryCursorRepo(db), new SpaceEvents(), pino({ level: "silent" }), { pollMs: 1000, ...opts });
  return { reader, audit };
}

describe("hostile bash history", () => {
  it("a flood gets a per-pass line budget and a dropped event; a quiet space's lines still arrive", async () => {
    const flood = Buffer.from("y\n".repeat(20_000));
    const { reader, audit } = await setup({ flood, quiet: Buffer.from("echo hi\n") }, { maxReadBytes: 64 * 1024, maxLinesPerPass: 100 });
    reader.markDirty("flood");
    reader.markDirty("quiet");
    await reader.tick();
    expect(audit.query({ space: "flood", type: "space.shell", limit: 10_000 })).toHaveLength(100);
    const dropped = audit.query({ space: "flood", type: "space.shell.dropped", limit: 10 });
    expect(dropped[0]!.meta).toMatchObject({ lines: 20_000 - 100, reason: "over the per-pass budget" });
    expect(audit.query({ space: "quiet", type: "space.shell", limit: 10 }).map((e) => (e.meta as { command: string }).command)).toEqual(["echo hi"]);
  });

  it("a line longer than a read is skipped (and said so) instead of stopping ingestion for good", async () => {
    const long = Buffer.concat([Buffer.alloc(300 * 1024, 0x61), Buffer.from("\necho after\n")]);
    const { reader, audit } = await setup({ box: long }, { maxReadBytes: 256 * 1024 });
    for (let i = 0; i < 4; i++) {
      reader.markDirty("box");
      await reader.tick();
    }
    const commands = audit.query({ space: "box", type: "space.shell", limit: 10 }).map((e) => (e.meta as { command: string }).command);
    expect(commands).toContain("echo after");
    expect(audit.query({ space: "box", type: "space.shell.dropped", limit: 10 })[0]!.meta).toMatchObject({ bytes: 256 * 1024 });
  });
});
