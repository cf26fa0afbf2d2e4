import request from "supertest";
import { describe, expect, it } from "vitest";
import { WAKE_HEADER } from "../../src/spaces/routes.js";
import { createSpace, expectError, issuePaths, makeApp } from "./helpers.js";

const SEC = 1000;
const MIN = 60 * SEC;
const IDLE = 10 * MIN;
const CHECK = 15 * SEC;
const HIB = 60 * MIN;
const KEEPALIVE_MAX = 60 * MIN;

async function setup() {
  let now = Date.parse("2031-01-01T00:00:00.000Z");
  const t = makeApp({
    clock: () => now,
    config: { sleep: { idleTimeoutMs: IDLE, hibernateAfterMs: HIB, checkMs: CHECK, cpuThresholdPct: 5, opTimeoutMs: 2000, keepaliveMaxMs: KEEPALIVE_MAX } },
  });
  t.fake.execHandler = () => ({ stdout: "", exitCode: 0 });
  await createSpace(t, "a");
  const iso = (ms: number) => new Date(ms).toISOString();
  const t0 = now;
  return {
    t,
    t0,
    iso,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    sleepInfo: async () => {
      const res = await t.api.get("/api/spaces/a/sleep");
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    },
  };
}

describe("GET /api/spaces/:name/sleep", () => {
  it("a fresh space: running, pauseAt = now + idle, nothing blocks, would not pause now", async () => {
    const { t0, iso, sleepInfo } = await setup();
    const body = await sleepInfo();
    expect(body).toMatchObject({
      state: "running",
      lastActivity: { at: iso(t0), source: "create" },
      pauseAt: iso(t0 + IDLE),
      hibernateAt: iso(t0 + IDLE + HIB),
      blockedBy: [],
      wouldPauseNow: false,
    });
  });

  it("an idle space would pause now (the CPU window is opened on demand)", async () => {
    const { t, t0, iso, advance, sleepInfo } = await setup();
    advance(IDLE + SEC);
    // The route opens a CPU window and reads again a second later; this clock is frozen, so move it meanwhile.
    const ticking = setInterval(() => advance(100), 50);
    const body = await sleepInfo().finally(() => clearInterval(ticking));
    expect(t.fake.callCounts().cpuUsage).toBe(3); // open the window, read it, rebase after the veto probe
    expect(body).toMatchObject({ state: "running", pauseAt: iso(t0 + IDLE), blockedBy: [], wouldPauseNow: true });
  });

  it("an idle space with a busy CPU would not pause, and says cpu", async () => {
    const { t, advance, sleepInfo } = await setup();
    advance(IDLE + 5 * SEC);
    // the route measures over a real second of its own: make the space burn half a core meanwhile
    let used = 0;
    const burn = setInterval(() => {
      used += 50e6;
      t.fake.cpuNs.set("a", used);
    }, 100);
    const body = await sleepInfo().finally(() => clearInterval(burn));
    expect(body.wouldPauseNow).toBe(false);
    expect(body.blockedBy).toHaveLength(1);
    expect(body.blockedBy[0].reason).toBe("cpu");
    expect(body.blockedBy[0].percent).toBeGreaterThan(20);
  });

  it("polling an idle space's explanation probes it once, and looking is not activity", async () => {
    const { t, advance, sleepInfo } = await setup();
    advance(IDLE + SEC);
    await t.deps.worker.tick(); // gives the worker's CPU window a start
    advance(SEC);
    const before = (await sleepInfo()).lastActivity;
    for (let i = 0; i < 3; i++) await sleepInfo();
    const probes = t.fake.execLog.filter((e) => e.spec.argv[0] === "/bin/sh" && e.spec.argv.join(" ").includes("index.lock"));
    expect(probes).toHaveLength(1);
    expect((await sleepInfo()).lastActivity).toEqual(before);
  });

  it("a leased space: blockedBy lease with its until, no pauseAt", async () => {
    const { t, now, iso, advance, sleepInfo } = await setup();
    advance(MIN);
    expect((await t.api.post("/api/spaces/a/keepalive", { ttlMs: 30 * MIN })).status).toBe(200);
    const until = iso(now() + 30 * MIN);
    advance(IDLE);
    const body = await sleepInfo();
    expect(body).toMatchObject({ state: "running", pauseAt: null, blockedBy: [{ reason: "lease", until }], wouldPauseNow: false });
    expect(body.lastActivity.source).toBe("keepalive");
  });

  it("a vetoed space would not pause, and says which veto", async () => {
    const { t, advance, sleepInfo } = await setup();
    t.fake.execHandler = (_s, spec) => ({ stdout: spec.argv[0] === "/bin/sh" ? "veto:pkg\n" : "" });
    advance(IDLE - 5 * SEC);
    await t.deps.worker.tick();
    advance(10 * SEC);
    const body = await sleepInfo();
    expect(body.wouldPauseNow).toBe(false);
    expect(body.blockedBy).toEqual([{ reason: "veto:pkg" }]);
  });

  it("a user-paused space: paused, blockedBy user-paused, nothing scheduled", async () => {
    const { t, advance, sleepInfo } = await setup();
    expect((await t.api.post("/api/spaces/a/stop")).status).toBe(200);
    advance(IDLE + HIB);
    expect(await sleepInfo()).toMatchObject({
      state: "paused",
      pauseAt: null,
      hibernateAt: null,
      blockedBy: [{ reason: "user-paused" }],
      wouldPauseNow: false,
      wouldHibernateNow: false,
    });
  });

  it("a sleeping space shows when it will hibernate", async () => {
    const { t, now, iso, advance, sleepInfo } = await setup();
    advance(IDLE + SEC);
    await t.deps.worker.tick();
    advance(CHECK);
    expect(await t.deps.worker.tick()).toMatchObject({ paused: 1 });
    expect(await sleepInfo()).toMatchObject({ state: "sleeping", pauseAt: null, hibernateAt: iso(now() + HIB), wouldHibernateNow: false });
    advance(HIB);
    expect((await sleepInfo()).wouldHibernateNow).toBe(true);
  });

  it("answers 404 for a missing space and 401 without a key", async () => {
    const { t } = await setup();
    expectError(await t.api.get("/api/spaces/ghost/sleep"), 404, "SPACE_NOT_FOUND");
    expectError(await request(t.app).get("/api/spaces/a/sleep"), 401, "UNAUTHORIZED");
  });
});

describe("POST /api/spaces/:name/keepalive", () => {
  it("grants the lease: {until, ttlMs, clamped} and an audit event", async () => {
    const { t, now, iso } = await setup();
    const res = await t.api.post("/api/spaces/a/keepalive", { ttlMs: 5 * MIN });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ until: iso(now() + 5 * MIN), ttlMs: 5 * MIN, clamped: false });
    expect(res.headers[WAKE_HEADER.toLowerCase()]).toBeUndefined();
    expect(t.deps.state.peek("a")!.leaseUntil).toBe(now() + 5 * MIN);
    const ev = t.deps.audit.query({ space: "a", type: "space.keepalive", limit: 10 });
    expect(ev.map((e) => e.meta)).toEqual([{ ttlMs: 5 * MIN, clamped: false }]);
  });

  it("clamps a ttlMs over the configured maximum", async () => {
    const { t, now, iso } = await setup();
    const res = await t.api.post("/api/spaces/a/keepalive", { ttlMs: KEEPALIVE_MAX + 1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ until: iso(now() + KEEPALIVE_MAX), ttlMs: KEEPALIVE_MAX, clamped: true });
  });

  it("ttlMs 0 releases the lease", async () => {
    const { t, t0, iso, advance, sleepInfo } = await setup();
    await t.api.post("/api/spaces/a/keepalive", { ttlMs: 30 * MIN });
    expect((await sleepInfo()).blockedBy.map((b: { reason: string }) => b.reason)).toEqual(["lease"]);
    const res = await t.api.post("/api/spaces/a/keepalive", { ttlMs: 0 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ until: null, ttlMs: 0, clamped: false });
    expect(t.deps.state.peek("a")!.leaseUntil).toBeNull();
    advance(MIN);
    expect(await sleepInfo()).toMatchObject({ blockedBy: [], pauseAt: iso(t0 + IDLE) });
  });

  it.each([[{ ttlMs: -1 }], [{ ttlMs: "x" }], [{}], [{ ttlMs: 1.5 }], [{ ttlMs: null }]])("%j is 400 VALIDATION_FAILED on ttlMs", async (body) => {
    const { t } = await setup();
    const res = await t.api.post("/api/spaces/a/keepalive", body);
    expectError(res, 400, "VALIDATION_FAILED");
    expect(issuePaths(res)).toContain("ttlMs");
    expect(t.deps.state.peek("a")!.leaseUntil).toBeNull();
  });

  it("answers 404 for a missing space and 401 without a key", async () => {
    const { t } = await setup();
    expectError(await t.api.post("/api/spaces/ghost/keepalive", { ttlMs: 1000 }), 404, "SPACE_NOT_FOUND");
    expectError(await request(t.app).post("/api/spaces/a/keepalive").send({ ttlMs: 1000 }), 401, "UNAUTHORIZED");
    expect(t.deps.state.peek("a")!.leaseUntil).toBeNull();
  });

  it("wakes a sleeping space and holds it awake", async () => {
    const { t, now, iso, advance } = await setup();
    advance(IDLE + SEC);
    await t.deps.worker.tick();
    advance(CHECK);
    expect(await t.deps.worker.tick()).toMatchObject({ paused: 1 });
    const res = await t.api.post("/api/spaces/a/keepalive", { ttlMs: 30 * MIN });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ until: iso(now() + 30 * MIN), ttlMs: 30 * MIN, clamped: false, wake: "warm" });
    expect(res.headers[WAKE_HEADER.toLowerCase()]).toBe("warm");
    expect(t.fake.containers.get("a")!.state).toBe("running");
    const wakes = t.deps.audit.query({ space: "a", type: "space.wake", limit: 10 });
    expect(wakes.map((e) => e.meta)).toEqual([{ tier: "warm", cause: "keepalive", from: "sleeping" }]);
    advance(20 * MIN);
    await t.deps.worker.tick();
    advance(CHECK);
    expect(await t.deps.worker.tick()).toMatchObject({ checked: 0, paused: 0 });
    expect(t.fake.containers.get("a")!.state).toBe("running");
  });
});
