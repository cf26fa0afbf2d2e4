import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { composeDeps } from "../../src/compose.js";
import { FakeWorld } from "../support/fakes/world.js";
import { openDb, type Db } from "../../src/store/db.js";
import { SpaceStateRepo } from "../../src/sleep/spaceStateRepo.js";
import { KEY, testConfig } from "./helpers.js";

const SEC = 1000;
const MIN = 60 * SEC;
const IDLE = 10 * MIN;
const CHECK = 15 * SEC;
const HIB = 60 * MIN;

let dir: string;
let now: number;
let fake: FakeWorld;
const dbs: Db[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(os.tmpdir(), "clawdspace-sleep-restart-"));
  now = Date.parse("2031-01-01T00:00:00.000Z");
  fake = new FakeWorld();
  fake.execHandler = () => ({ stdout: "", exitCode: 0 });
});

afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One server process: its own store connection on the shared data dir, the shared engine (fake). */
function boot() {
  const db = openDb(dir);
  dbs.push(db);
  const cfg = testConfig({
    dataDir: dir,
    sleep: { idleTimeoutMs: IDLE, hibernateAfterMs: HIB, checkMs: CHECK, cpuThresholdPct: 5, opTimeoutMs: 2000, keepaliveMaxMs: 86_400_000 },
  });
  const deps = composeDeps(cfg, fake.engine, pino({ level: "silent" }), KEY, db, () => now);
  const app = createApp(deps);
  const post = (path: string, body?: object) => request(app).post(path).set("Authorization", `Bearer ${KEY}`).send(body);
  const get = (path: string) => request(app).get(path).set("Authorization", `Bearer ${KEY}`);
  /** Flushes, then closes the store like a process exit. */
  const shutdown = () => {
    deps.state.flush();
    db.close();
  };
  return { db, deps, post, get, shutdown };
}

describe("sleep state survives a restart of the server", () => {
  it("the store file keeps lastActivity; an active space is not paused early, an idle one is", async () => {
    const first = boot();
    for (const name of ["active", "idle"]) expect((await first.post("/api/spaces", { name })).status).toBe(201);
    now += 8 * MIN;
    expect((await first.post("/api/spaces/active/exec", { command: "true" })).status).toBe(200);
    const activeAt = now;
    first.shutdown();

    now += 3 * MIN; // idle: 11 min since create; active: 3 min since its exec
    const second = boot();
    expect(second.deps.activity.lastActivity("active")).toEqual({ at: activeAt, source: "exec" });
    expect(second.deps.activity.lastActivity("idle")).toEqual({ at: activeAt - 8 * MIN, source: "create" });
    const space = (await second.get("/api/spaces/active")).body.space;
    expect(space.activity).toEqual({ lastAt: new Date(activeAt).toISOString(), lastSource: "exec" });
    expect(space.sleepsAt).toBe(new Date(activeAt + IDLE).toISOString());

    await second.deps.worker.tick();
    now += CHECK;
    expect(await second.deps.worker.tick()).toMatchObject({ paused: 1 });
    expect(fake.containers.get("idle")!.state).toBe("paused");
    expect(fake.containers.get("active")!.state).toBe("running");
    expect(new SpaceStateRepo(second.db).get("idle")).toMatchObject({ pausedBy: "idle", pausedAt: now });
  });

  it("activity marks reach the file only when flushed; transitions are written through at once", async () => {
    const first = boot();
    expect((await first.post("/api/spaces", { name: "a" })).status).toBe(201);
    first.deps.state.flush();
    now += MIN;
    first.deps.activity.record("a", "terminal");
    expect(new SpaceStateRepo(first.db).get("a")!.lastActivitySource).toBe("create");
    first.deps.state.update("a", { leaseUntil: now + MIN });
    expect(new SpaceStateRepo(first.db).get("a")).toMatchObject({ lastActivitySource: "terminal", lastActivityAt: now, leaseUntil: now + MIN });
  });

  it("a space the engine restarted after we paused it is paused again by reconcile", async () => {
    const first = boot();
    for (const name of ["mine", "slept"]) expect((await first.post("/api/spaces", { name })).status).toBe(201);
    expect((await first.post("/api/spaces/mine/stop")).status).toBe(200);
    now += IDLE + SEC;
    await first.deps.worker.tick();
    now += CHECK;
    expect(await first.deps.worker.tick()).toMatchObject({ paused: 1 });
    const pausedAt = now;
    first.shutdown();

    now += MIN;
    for (const c of [fake.containers.get("mine")!, fake.containers.get("slept")!]) {
      c.state = "running"; // the engine came back and its restart policy started them
      c.startedAt = new Date(now);
    }
    const second = boot();
    const report = await second.deps.worker.tick();
    expect(report.repaused).toBe(2);
    expect(fake.containers.get("mine")!.state).toBe("paused");
    expect(fake.containers.get("slept")!.state).toBe("paused");
    expect(second.deps.state.peek("mine")!.pausedBy).toBe("user");
    expect(second.deps.state.peek("slept")).toMatchObject({ pausedBy: "idle", pausedAt });
    const restores = second.deps.audit.query({ type: "space.pause", limit: 100 }).filter((e) => e.meta?.reason === "restore");
    expect(restores.map((e) => [e.space, e.meta!.pausedBy]).sort()).toEqual([
      ["mine", "user"],
      ["slept", "idle"],
    ]);
    expect((await second.get("/api/spaces/mine")).body.space.state).toBe("paused");
    expect((await second.get("/api/spaces/slept")).body.space.state).toBe("sleeping");

    now += CHECK;
    expect(await second.deps.worker.tick()).toMatchObject({ repaused: 0, paused: 0 });
    now += HIB;
    expect(await second.deps.worker.tick()).toMatchObject({ hibernated: 1 });
    expect(fake.containers.get("slept")!.state).toBe("stopped");
    expect(fake.containers.get("mine")!.state).toBe("paused");
  });

  it("a space resumed behind our back (started before it was paused) counts as awake, not re-paused", async () => {
    const first = boot();
    expect((await first.post("/api/spaces", { name: "a" })).status).toBe(201);
    expect((await first.post("/api/spaces/a/stop")).status).toBe(200);
    fake.containers.get("a")!.state = "running"; // docker unpause: startedAt unchanged
    fake.containers.get("a")!.startedAt = new Date(now - SEC);
    now += MIN;
    expect(await first.deps.worker.tick()).toMatchObject({ repaused: 0 });
    expect(fake.containers.get("a")!.state).toBe("running");
    expect(first.deps.state.peek("a")).toMatchObject({ pausedBy: null, lastActivitySource: "wake", lastActivityAt: now });
  });

  it("rows of spaces no longer in the engine are removed", async () => {
    const first = boot();
    for (const name of ["keep", "gone"]) expect((await first.post("/api/spaces", { name })).status).toBe(201);
    first.shutdown();
    fake.containers.delete("gone"); // removed with docker rm while we were down
    const second = boot();
    expect(second.deps.state.has("gone")).toBe(true);
    await second.deps.worker.tick();
    expect(second.deps.state.has("gone")).toBe(false);
    expect(second.deps.state.has("keep")).toBe(true);
    const repo = new SpaceStateRepo(second.db);
    expect(repo.get("gone")).toBeUndefined();
    expect(repo.all().map((r) => r.name)).toEqual(["keep"]);
  });
});
