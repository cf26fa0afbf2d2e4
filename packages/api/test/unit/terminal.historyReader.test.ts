import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { FakeWorld } from "../support/fakes/world.js";
import { SpaceEvents } from "../../src/events/spaceEvents.js";
import { HistoryReader } from "../../src/terminal/historyReader.js";
import { AuditLog } from "../../src/audit/auditLog.js";
import { openDb } from "../../src/store/db.js";
import { HistoryCursorRepo } from "../../src/terminal/historyCursorRepo.js";
import { createSpace, makeApp } from "./helpers.js";

/** Plays the read script against an in-memory file, as `stat`, `tail -c` and `head -c` would. */
function withFile(fake: FakeWorld) {
  const file = { data: Buffer.alloc(0), inode: 7 };
  fake.execHandler = (_space, spec) => {
    const env = spec.env ?? {};
    let off = Number(env.OFF);
    if (file.data.length < off || String(file.inode) !== env.INODE) off = 0;
    const body = file.data.subarray(off, off + Number(env.MAX));
    return { stdout: Buffer.concat([Buffer.from(`${file.data.length} ${file.inode} ${off}\n`), body]), exitCode: 0 };
  };
  return file;
}

async function setup(dbPath = ":memory:", maxReadBytes = 40) {
  const t = makeApp();
  await createSpace(t, "box");
  const db = openDb(dbPath);
  const audit = new AuditLog(db);
  const events = new SpaceEvents();
  const reader = new HistoryReader(t.fake.engine.exec, audit, new HistoryCursorRepo(db), events, pino({ level: "silent" }), { pollMs: 1000, maxReadBytes }, () => 5_000_000);
  const file = withFile(t.fake);
  const cmds = () => audit.query({ space: "box", type: "space.shell", limit: 100 }).map((e) => [(e.meta as { command: string }).command, Date.parse(e.ts)]);
  return { t, db, reader, file, events, cmds };
}

describe("history reader", () => {
  it("emits each new line once, with its timestamp or the read time, in pieces no larger than asked", async () => {
    const { reader, file, cmds } = await setup();
    file.data = Buffer.from("no-stamp\n#1700000000\necho one\n#1700000001\necho two\n");
    reader.markDirty("box");
    await reader.tick();
    // 40 bytes per read: more was left, so the space stays due
    expect(reader.pending()).toEqual(["box"]);
    await reader.tick();
    await reader.tick();
    expect(cmds()).toEqual([
      ["no-stamp", 5_000_000],
      ["echo one", 1_700_000_000_000],
      ["echo two", 1_700_000_001_000],
    ]);
    expect(reader.pending()).toEqual([]);
    reader.markDirty("box");
    await reader.tick();
    expect(cmds()).toHaveLength(3);
    // a line being written (no newline yet) waits
    file.data = Buffer.concat([file.data, Buffer.from("#1700000002\necho thr")]);
    reader.markDirty("box");
    await reader.tick();
    expect(cmds()).toHaveLength(3);
    file.data = Buffer.concat([file.data, Buffer.from("ee\n")]);
    reader.markDirty("box");
    await reader.tick();
    expect(cmds().at(-1)).toEqual(["echo three", 1_700_000_002_000]);
  });

  it("starts again at 0 after a truncation or a rotation (new inode)", async () => {
    const { reader, file, cmds } = await setup(":memory:", 4096);
    file.data = Buffer.from("#1700000000\necho long-first-line\n");
    reader.markDirty("box");
    await reader.tick();
    file.data = Buffer.from("#1700000100\necho b\n");
    reader.markDirty("box");
    await reader.tick();
    expect(cmds().map((c) => c[0])).toEqual(["echo long-first-line", "echo b"]);
    file.inode = 8;
    file.data = Buffer.from("#1700000200\necho rotated-file-longer-than-before\n");
    reader.markDirty("box");
    await reader.tick();
    expect(cmds().map((c) => c[0])).toEqual(["echo long-first-line", "echo b", "echo rotated-file-longer-than-before"]);
  });

  it("costs nothing for a sleeping space or one nobody typed into", async () => {
    const { t, reader, file, events } = await setup();
    file.data = Buffer.from("#1700000000\necho one\n");
    await reader.tick();
    expect(t.fake.execLog).toHaveLength(0);
    reader.markDirty("box");
    events.emit({ space: "box", state: "sleeping", cause: "idle", at: 0 });
    await reader.tick();
    expect(t.fake.execLog).toHaveLength(0);
    expect(reader.pending()).toEqual(["box"]);
    events.emit({ space: "box", state: "running", cause: "wake:terminal", at: 0 });
    await reader.tick();
    expect(t.fake.execLog).toHaveLength(1);
  });

  it("keeps its offset across a restart (same store)", async () => {
    const dir = (await import("node:fs")).mkdtempSync(`${(await import("node:os")).tmpdir()}/hist-`);
    const a = await setup(dir);
    a.file.data = Buffer.from("#1700000000\necho once\n");
    a.reader.markDirty("box");
    await a.reader.tick();
    a.db.close();
    const b = await setup(dir);
    b.file.data = Buffer.from("#1700000000\necho once\n#1700000005\necho later\n");
    b.reader.markDirty("box");
    await b.reader.tick();
    expect(b.cmds().map((c) => c[0])).toEqual(["echo once", "echo later"]);
  });

  it("reads what is pending once more when it stops", async () => {
    const { reader, file, cmds } = await setup(":memory:", 4096);
    file.data = Buffer.from("#1700000000\necho last\n");
    reader.markDirty("box");
    await reader.stop();
    expect(cmds().map((c) => c[0])).toEqual(["echo last"]);
  });
});
