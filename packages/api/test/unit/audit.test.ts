import { describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/auditLog.js";
import { openDb } from "../../src/store/db.js";
import { MASK } from "../../src/core/mask.js";
import { createSpace, expectError, makeApp } from "./helpers.js";

function log(clock = () => 1_000_000) {
  return new AuditLog(openDb(":memory:"), clock);
}

describe("AuditLog", () => {
  it("masks every string in meta, whichever feature wrote it", () => {
    const a = log();
    a.append({ type: "space.shell", space: "s", meta: { command: "export GH_TOKEN=ghp_abcdefghijklmnop1234 && curl -u x https://u:pw@h/x", nested: { password: "p" } } });
    const [e] = a.query({ limit: 1 });
    expect(JSON.stringify(e)).not.toMatch(/ghp_abcdef|pw@|"p"/);
    expect((e!.meta!.nested as { password: string }).password).toBe(MASK);
  });

  it("keeps a given timestamp", () => {
    const a = log();
    a.append({ type: "space.shell", ts: 42_000 });
    expect(a.query({ limit: 1 })[0]!.ts).toBe(new Date(42_000).toISOString());
  });

  it("pages backwards with before, forwards with after, filters by type and time", () => {
    let now = 0;
    const a = log(() => (now += 1000));
    for (let i = 0; i < 10; i++) a.append({ type: i % 2 ? "space.exec" : "space.file.write", space: i < 5 ? "a" : "b" });
    const newest = a.query({ limit: 3 });
    expect(newest.map((e) => e.id)).toEqual([8, 9, 10]);
    const older = a.query({ limit: 3, before: newest[0]!.id });
    expect(older.map((e) => e.id)).toEqual([5, 6, 7]);
    expect(a.query({ limit: 3, after: 2 }).map((e) => e.id)).toEqual([3, 4, 5]);
    expect(a.query({ limit: 100, space: "a", type: "space.exec" }).map((e) => e.id)).toEqual([2, 4]);
    expect(a.query({ limit: 100, since: 3000, until: 5000 }).map((e) => e.id)).toEqual([3, 4, 5]);
  });

  it("iterates everything in pages, oldest first", () => {
    const a = log();
    for (let i = 0; i < 25; i++) a.append({ type: "t", space: "s" });
    expect([...a.iterate({}, 7)].map((e) => e.id)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect([...a.iterate({ limit: 4, after: 10 }, 3)].map((e) => e.id)).toEqual([11, 12, 13, 14]);
  });

  it("retention by count and by age, in batches", () => {
    let now = 0;
    const a = log(() => now);
    for (let i = 0; i < 12_000; i++) {
      now = i;
      a.append({ type: "t" });
    }
    expect(a.prune({ maxAgeMs: 0, maxEvents: 10_000 }, now)).toBe(2000);
    expect(a.count()).toBe(10_000);
    expect(a.query({ limit: 1, before: 1_000_000 })[0]!.id).toBe(12_000);
    expect(a.prune({ maxAgeMs: 1000, maxEvents: 0 }, 12_000)).toBe(9000);
    expect(a.count()).toBe(1000);
  });
});

describe("audit routes", () => {
  it("GET /api/audit pages with cursors; bad cursors and dates are 400", async () => {
    const t = makeApp();
    await createSpace(t, "s1");
    for (let i = 0; i < 4; i++) await t.api.post("/api/spaces/s1/exec", { command: `echo ${i}` });
    const page = await t.api.get("/api/audit?space=s1&limit=2");
    expect(page.status).toBe(200);
    expect(page.body.events.map((e: { type: string }) => e.type)).toEqual(["space.exec", "space.exec"]);
    expect(page.body.nextBefore).toBe(page.body.events[0].id);
    const prev = await t.api.get(`/api/audit?space=s1&limit=2&before=${page.body.nextBefore}`);
    expect(prev.body.events[1].id).toBeLessThan(page.body.events[0].id);
    expectError(await t.api.get("/api/audit?before=abc"), 400, "VALIDATION_FAILED");
    expectError(await t.api.get("/api/audit?since=yesterday"), 400, "VALIDATION_FAILED");
    expectError(await t.api.get("/api/audit?space=../x"), 400, "VALIDATION_FAILED");
  });

  it("exec events carry the masked command, cwd, env names only, exit code, duration, actor and request id", async () => {
    const t = makeApp();
    await createSpace(t, "s1");
    const token = "ghp_" + "Z".repeat(36);
    const res = await t.api
      .post("/api/spaces/s1/exec", { command: `GH_TOKEN=${token} gh repo list`, env: { API_TOKEN: "value-never-stored", LANG: "C" } })
      .set("X-Request-Id", "req-exec-1");
    expect(res.status).toBe(200);
    const [e] = (await t.api.get("/api/audit?type=space.exec")).body.events;
    expect(e).toMatchObject({ actor: "default", requestId: "req-exec-1", space: "s1", meta: { cwd: "/workspace", env: ["API_TOKEN", "LANG"], exitCode: 0, timedOut: false } });
    expect(typeof e.meta.durationMs).toBe("number");
    expect(e.meta.command).toBe(`GH_TOKEN=${MASK} gh repo list`);
    expect(JSON.stringify(e)).not.toContain("value-never-stored");
  });

  it("export streams JSON lines, oldest first", async () => {
    const t = makeApp();
    await createSpace(t, "s1");
    await createSpace(t, "s2");
    const res = await t.api.get("/api/audit/export?type=space.create");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/application\/x-ndjson/);
    const lines = res.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.space)).toEqual(["s1", "s2"]);
  });
});
