import request from "supertest";
import { describe, expect, it } from "vitest";
import { createSpace, expectError, issuePaths, makeApp } from "./helpers.js";

const SEC = 1000;
const MIN = 60 * SEC;
const IDLE = 10 * MIN;

async function setup() {
  let now = Date.parse("2031-01-01T00:00:00.000Z");
  const t = makeApp({
    clock: () => now,
    config: { sleep: { idleTimeoutMs: IDLE, hibernateAfterMs: 60 * MIN, checkMs: 15 * SEC, cpuThresholdPct: 5, opTimeoutMs: 2000, keepaliveMaxMs: 86_400_000 } },
  });
  t.fake.execHandler = () => ({ stdout: "", exitCode: 0 });
  return {
    t,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

type Ev = { id: number; ts: string; space?: string; type: string; meta?: Record<string, unknown> };

describe("GET /api/audit", () => {
  async function withEvents() {
    const s = await setup();
    const t0 = s.now();
    await createSpace(s.t, "a");
    s.advance(SEC);
    await createSpace(s.t, "b");
    s.advance(SEC);
    expect((await s.t.api.post("/api/spaces/a/stop")).status).toBe(200);
    s.advance(SEC);
    expect((await s.t.api.post("/api/spaces/b/keepalive", { ttlMs: MIN })).status).toBe(200);
    return { ...s, t0 };
  }

  it("answers {events} oldest first with id, ts, type and space", async () => {
    const { t, t0 } = await withEvents();
    const res = await t.api.get("/api/audit");
    expect(res.status).toBe(200);
    const events: Ev[] = res.body.events;
    expect(events.map((e) => [e.type, e.space])).toEqual([
      ["space.create", "a"],
      ["space.create", "b"],
      ["space.pause", "a"],
      ["space.keepalive", "b"],
    ]);
    const ids = events.map((e) => e.id);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    expect(events.map((e) => e.ts)).toEqual([0, 1, 2, 3].map((i) => new Date(t0 + i * SEC).toISOString()));
    expect(events[2]!.meta).toEqual({ reason: "user" });
  });

  it("filters by ?space= and ?type=, alone and together", async () => {
    const { t } = await withEvents();
    const bySpace: Ev[] = (await t.api.get("/api/audit?space=a")).body.events;
    expect(bySpace.map((e) => e.type)).toEqual(["space.create", "space.pause"]);
    const byType: Ev[] = (await t.api.get("/api/audit?type=space.create")).body.events;
    expect(byType.map((e) => e.space)).toEqual(["a", "b"]);
    const both: Ev[] = (await t.api.get("/api/audit?space=b&type=space.keepalive")).body.events;
    expect(both).toHaveLength(1);
    expect(both[0]!.meta).toEqual({ ttlMs: MIN, clamped: false });
    expect((await t.api.get("/api/audit?space=nobody")).body.events).toEqual([]);
  });

  it("limit answers the newest events, still oldest first", async () => {
    const { t } = await withEvents();
    const events: Ev[] = (await t.api.get("/api/audit?limit=2")).body.events;
    expect(events.map((e) => e.type)).toEqual(["space.pause", "space.keepalive"]);
  });

  it.each(["0", "abc", "1.5", "-3", "10001"])("limit=%s is 400 VALIDATION_FAILED", async (limit) => {
    const { t } = await setup();
    const res = await t.api.get(`/api/audit?limit=${limit}`);
    expectError(res, 400, "VALIDATION_FAILED");
    expect(issuePaths(res)).toContain("limit");
  });

  it("needs the key", async () => {
    const { t } = await setup();
    expectError(await request(t.app).get("/api/audit"), 401, "UNAUTHORIZED");
  });
});

describe("reads are not activity", () => {
  it("listing, getting, explaining, stats and audit reads leave lastActivity where it was", async () => {
    const { t, advance } = await setup();
    const created = await createSpace(t, "a");
    const before = t.deps.activity.lastActivity("a");
    expect(before!.source).toBe("create");
    for (let i = 0; i < 3; i++) {
      advance(2 * MIN);
      expect((await t.api.get("/api/spaces")).status).toBe(200);
      expect((await t.api.get("/api/spaces/a")).status).toBe(200);
      expect((await t.api.get("/api/spaces/a/sleep")).status).toBe(200);
      expect((await t.api.get("/api/spaces/a/stats")).status).toBe(200);
      expect((await t.api.get("/api/audit?space=a")).status).toBe(200);
    }
    expect(t.deps.activity.lastActivity("a")).toEqual(before);
    const space = (await t.api.get("/api/spaces/a")).body.space;
    expect(space.activity).toEqual(created.activity);
    expect(space.lastActivity).toBe(new Date(before!.at).toISOString());
    expect(space.sleepsAt).toBe(new Date(before!.at + IDLE).toISOString());
  });

  it("while an exec is activity (control for the test above)", async () => {
    const { t, now, advance } = await setup();
    await createSpace(t, "a");
    advance(2 * MIN);
    expect((await t.api.post("/api/spaces/a/exec", { command: "true" })).status).toBe(200);
    expect(t.deps.activity.lastActivity("a")).toEqual({ at: now(), source: "exec" });
  });
});
