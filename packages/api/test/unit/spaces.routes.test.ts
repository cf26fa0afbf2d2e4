import { describe, expect, it } from "vitest";
import { createSpace, expectError, issuePaths, makeApp } from "./helpers.js";

type Method = "get" | "post" | "delete";
const SPACE_ROUTES: Array<[Method, string, unknown?]> = [
  ["get", ""],
  ["delete", ""],
  ["post", "/stop"],
  ["post", "/start"],
  ["post", "/exec", { command: "true" }],
  ["get", "/stats"],
];

describe("missing and invalid spaces on every space route", () => {
  const t = makeApp();

  it.each(SPACE_ROUTES)("%s /api/spaces/ghost%s is 404 SPACE_NOT_FOUND", async (method, suffix, body) => {
    const res = await t.api[method](`/api/spaces/ghost${suffix}`, body as never);
    expectError(res, 404, "SPACE_NOT_FOUND");
    expect(res.body.error).toContain("ghost");
  });

  it.each(SPACE_ROUTES)("%s /api/spaces/<invalid>%s is 400 naming the space name", async (method, suffix, body) => {
    for (const bad of ["-bad", "a".repeat(64), "a.b", "a%20b"]) {
      const res = await t.api[method](`/api/spaces/${bad}${suffix}`, body as never);
      expectError(res, 400, "VALIDATION_FAILED");
      expect(res.body.error).toMatch(/space name/);
    }
  });

  it("an unknown route under /api is 404 NOT_FOUND with the error shape", async () => {
    expectError(await t.api.get("/api/spaces/x/nope"), 404, "NOT_FOUND");
    expectError(await t.api.post("/api/whatever"), 404, "NOT_FOUND");
  });
});

describe("GET /api/spaces", () => {
  it("lists spaces sorted by name", async () => {
    const t = makeApp();
    for (const n of ["charlie", "alpha", "bravo"]) await createSpace(t, n);
    const res = await t.api.get("/api/spaces");
    expect(res.status).toBe(200);
    expect(res.body.spaces.map((s: { name: string }) => s.name)).toEqual(["alpha", "bravo", "charlie"]);
    const a = res.body.spaces[0];
    expect(a.id).toHaveLength(12);
    expect(a.volume.name).toBe("clawdspace-vol-alpha");
    expect(a.memory).toBe(2 * 1024 ** 3);
    expect(a.status).toBe("running");
  });

  it("makes exactly one runtime list call and no inspect", async () => {
    const t = makeApp();
    for (const n of ["a1", "a2", "a3"]) await createSpace(t, n);
    const before = t.fake.callCounts();
    const res = await t.api.get("/api/spaces");
    expect(res.body.spaces).toHaveLength(3);
    const after = t.fake.callCounts();
    expect((after.list ?? 0) - (before.list ?? 0)).toBe(1);
    expect(after.inspect ?? 0).toBe(before.inspect ?? 0);
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    expect(changed).toEqual(["list"]);
  });
});

describe("GET /api/spaces/:name", () => {
  it("answers {space} for an existing space", async () => {
    const t = makeApp();
    const created = await createSpace(t, "getme", { memory: "1g", cpus: 2 });
    const res = await t.api.get("/api/spaces/getme");
    expect(res.status).toBe(200);
    expect(res.body.space.name).toBe("getme");
    expect(res.body.space.id).toBe(created.id);
    expect(res.body.space.memory).toBe(1024 ** 3);
    expect(res.body.space.cpus).toBe(2);
  });
});

describe("stop (pause) and start", () => {
  it("stop pauses; pausing again is a 200; the space is user-paused", async () => {
    const t = makeApp();
    await createSpace(t, "p");
    const first = await t.api.post("/api/spaces/p/stop");
    expect(first.status).toBe(200);
    expect(typeof first.body.message).toBe("string");
    expect(t.fake.containers.get("p")!.state).toBe("paused");
    const pauses = t.fake.callCounts().pause;
    const again = await t.api.post("/api/spaces/p/stop");
    expect(again.status).toBe(200);
    expect(t.fake.callCounts().pause).toBe(pauses);
    const got = (await t.api.get("/api/spaces/p")).body.space;
    expect(got.status).toBe("paused");
    expect(got.state).toBe("paused");
    expect(got.sleepBlockedBy).toContain("user-paused");
  });

  it("stop on a stopped space is 409 SPACE_STATE_CONFLICT", async () => {
    const t = makeApp();
    await createSpace(t, "s");
    await t.fake.engine.containers.stop("s", 0);
    expectError(await t.api.post("/api/spaces/s/stop"), 409, "SPACE_STATE_CONFLICT");
    expect(t.fake.containers.get("s")!.state).toBe("stopped");
  });

  it("start on a paused space is a warm wake with the header", async () => {
    const t = makeApp();
    await createSpace(t, "w");
    await t.api.post("/api/spaces/w/stop");
    const res = await t.api.post("/api/spaces/w/start");
    expect(res.status).toBe(200);
    expect(res.body.wake).toBe("warm");
    expect(typeof res.body.message).toBe("string");
    expect(res.headers["x-clawdspace-wake"]).toBe("warm");
    expect(t.fake.containers.get("w")!.state).toBe("running");
    expect((await t.api.get("/api/spaces/w")).body.space.sleepBlockedBy).toEqual([]);
  });

  it("start on a stopped space is a cold wake with the header", async () => {
    const t = makeApp();
    await createSpace(t, "c");
    await t.fake.engine.containers.stop("c", 0);
    const res = await t.api.post("/api/spaces/c/start");
    expect(res.status).toBe(200);
    expect(res.body.wake).toBe("cold");
    expect(res.headers["x-clawdspace-wake"]).toBe("cold");
    expect(t.fake.containers.get("c")!.state).toBe("running");
  });

  it("start on a running space reports no wake", async () => {
    const t = makeApp();
    await createSpace(t, "r");
    const res = await t.api.post("/api/spaces/r/start");
    expect(res.status).toBe(200);
    expect(res.body.wake).toBeUndefined();
    expect(res.headers["x-clawdspace-wake"]).toBeUndefined();
    expect(t.fake.callCounts().unpause ?? 0).toBe(0);
    expect(t.fake.callCounts().start).toBe(1); // only the create's
  });
});

describe("DELETE /api/spaces/:name", () => {
  it("removes the container and keeps the volume by default", async () => {
    const t = makeApp();
    await createSpace(t, "d");
    const res = await t.api.delete("/api/spaces/d");
    expect(res.status).toBe(200);
    expect(typeof res.body.message).toBe("string");
    expect(t.fake.containers.has("d")).toBe(false);
    expect(t.fake.volumes.has("clawdspace-vol-d")).toBe(true);
    expectError(await t.api.get("/api/spaces/d"), 404, "SPACE_NOT_FOUND");
  });

  it.each(["true", "1"])("removes the volume with ?removeVolume=%s", async (v) => {
    const t = makeApp();
    await createSpace(t, "dv");
    expect((await t.api.delete(`/api/spaces/dv?removeVolume=${v}`)).status).toBe(200);
    expect(t.fake.containers.has("dv")).toBe(false);
    expect(t.fake.volumes.has("clawdspace-vol-dv")).toBe(false);
  });

  it("keeps the volume with ?removeVolume=false", async () => {
    const t = makeApp();
    await createSpace(t, "df");
    expect((await t.api.delete("/api/spaces/df?removeVolume=false")).status).toBe(200);
    expect(t.fake.volumes.has("clawdspace-vol-df")).toBe(true);
  });

  it.each(["banana", "yes", "true&removeVolume=true"])("?removeVolume=%s is a 400 and deletes nothing", async (v) => {
    const t = makeApp();
    await createSpace(t, "db");
    const res = await t.api.delete(`/api/spaces/db?removeVolume=${v}`);
    expectError(res, 400, "VALIDATION_FAILED");
    expect(issuePaths(res)).toContain("removeVolume");
    expect(t.fake.containers.has("db")).toBe(true);
    expect(t.fake.volumes.has("clawdspace-vol-db")).toBe(true);
  });

  it("a deleted name can be created again and adopts the kept volume", async () => {
    const t = makeApp();
    await createSpace(t, "again");
    await t.api.delete("/api/spaces/again");
    const s = await createSpace(t, "again");
    expect(s.volume.name).toBe("clawdspace-vol-again");
    expect(t.fake.volumes.size).toBe(1);
  });
});

describe("GET /api/spaces/:name/stats", () => {
  it("answers {stats} with the contract's numeric fields", async () => {
    const t = makeApp();
    await createSpace(t, "st", { memory: "1g" });
    const res = await t.api.get("/api/spaces/st/stats");
    expect(res.status).toBe(200);
    const keys = ["cpuPercent", "memoryUsageBytes", "memoryLimitBytes", "pids", "networkRxBytes", "networkTxBytes", "blockReadBytes", "blockWriteBytes"];
    expect(Object.keys(res.body.stats).sort()).toEqual([...keys].sort());
    for (const k of keys) expect(typeof res.body.stats[k]).toBe("number");
    expect(res.body.stats.memoryLimitBytes).toBe(1024 ** 3);
  });
});
