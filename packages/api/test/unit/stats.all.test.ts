import { AllStatsSchema } from "@clawdspace/shared";
import { describe, expect, it } from "vitest";
import { LoadService } from "../../src/stats/loadService.js";
import { FakeWorld } from "../support/fakes/world.js";
import { makeApp } from "./helpers.js";

const MS = 1e6;

async function appWithSpaces(names: string[]) {
  let now = 1_900_000_000_000;
  const t = makeApp({ clock: () => now });
  for (const name of names) expect((await t.api.post("/api/spaces", { name })).status).toBe(201);
  return { t, advance: (ms: number) => (now += ms), fake: t.fake };
}

const engineCalls = (fake: FakeWorld) => fake.callCounts();

describe("GET /api/stats", () => {
  it("answers every running and paused space from one list and one usage read each, never a stats call", async () => {
    const { t, fake } = await appWithSpaces(["a", "b", "c"]);
    fake.get("b").state = "paused";
    fake.get("c").state = "stopped";
    const before = engineCalls(fake);
    const res = await t.api.get("/api/stats");
    expect(res.status).toBe(200);
    const body = AllStatsSchema.parse(res.body);
    expect(body.stats.map((s) => [s.name, s.state])).toEqual([
      ["a", "running"],
      ["b", "paused"],
    ]);
    const after = engineCalls(fake);
    expect((after.list ?? 0) - (before.list ?? 0)).toBe(1);
    expect((after.usage ?? 0) - (before.usage ?? 0)).toBe(2);
    expect(after.stats ?? 0).toBe(before.stats ?? 0);
    expect(after.inspect ?? 0).toBe(before.inspect ?? 0);
    expect(body.stats[0]).toMatchObject({ cpuPercent: null, memoryUsageBytes: 32 * 1024 ** 2, pids: 2, trend: [] });
    expect(body.stats[0]!.memoryLimitBytes).toBeGreaterThan(0);
  });

  it("gives CPU percent from the CPU time between two reads, and a trend point per step", async () => {
    const { t, fake, advance } = await appWithSpaces(["busy", "idle"]);
    fake.cpuNs.set("busy", 1e9);
    fake.cpuNs.set("idle", 1e9);
    await t.api.get("/api/stats");
    advance(10_000);
    fake.cpuNs.set("busy", 1e9 + 9000 * MS); // 9 s of CPU in 10 s: 90 %
    fake.cpuNs.set("idle", 1e9 + 10 * MS); // 0.1 %
    const second = AllStatsSchema.parse((await t.api.get("/api/stats")).body);
    const by = Object.fromEntries(second.stats.map((s) => [s.name, s]));
    expect(by.busy!.cpuPercent).toBe(90);
    expect(by.idle!.cpuPercent).toBe(0.1);
    expect(by.busy!.trend).toEqual([90]);
    // Within a step: an answer, no new trend point.
    advance(5000);
    fake.cpuNs.set("busy", 1e9 + 9000 * MS + 2500 * MS);
    const third = AllStatsSchema.parse((await t.api.get("/api/stats")).body);
    expect(third.stats.find((s) => s.name === "busy")).toMatchObject({ cpuPercent: 50, trend: [90] });
    advance(10_000);
    const fourth = AllStatsSchema.parse((await t.api.get("/api/stats")).body);
    expect(fourth.stats.find((s) => s.name === "busy")!.trend).toEqual([90, 0]);
    // Nobody looked for minutes: the trend starts again rather than bridging the gap.
    advance(5 * 60_000);
    await t.api.get("/api/stats");
    advance(10_000);
    const later = AllStatsSchema.parse((await t.api.get("/api/stats")).body);
    expect(later.stats.find((s) => s.name === "busy")!.trend).toEqual([0, 0]);
    expect(later.trendStepMs).toBe(10_000);
  });

  it("hands a fresh answer to concurrent and quick callers instead of reading again", async () => {
    const { t, fake, advance } = await appWithSpaces(["a"]);
    advance(5000);
    const before = engineCalls(fake).list ?? 0;
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.api.get("/api/stats")));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    await t.api.get("/api/stats");
    expect((engineCalls(fake).list ?? 0) - before).toBe(1);
    advance(1500);
    await t.api.get("/api/stats");
    expect((engineCalls(fake).list ?? 0) - before).toBe(2);
  });

  it("leaves out a space removed between the list and its read, and forgets destroyed ones", async () => {
    const fake = new FakeWorld();
    let now = 1000;
    const svc = new LoadService(fake.engine.containers, () => now, { trendStepMs: 10_000, trendMs: 60_000, reuseMs: 0, concurrency: 4 });
    const t = makeApp({ fake });
    await t.api.post("/api/spaces", { name: "x" });
    await t.api.post("/api/spaces", { name: "y" });
    fake.failNext("usage", new Error("gone"));
    const first = await svc.all();
    expect(first.stats).toHaveLength(1);
    now += 10_000;
    fake.containers.delete("x");
    fake.containers.delete("y");
    expect((await svc.all()).stats).toEqual([]);
  });

  it("needs the key", async () => {
    const t = makeApp();
    const { default: request } = await import("supertest");
    expect((await request(t.app).get("/api/stats")).status).toBe(401);
  });
});

describe("GET /api/audit/types", () => {
  it("lists every type the server writes plus any other in the log, sorted", async () => {
    const t = makeApp();
    t.deps.audit.append({ type: "legacy.thing" });
    t.deps.audit.append({ type: "space.exec" });
    const res = await t.api.get("/api/audit/types");
    expect(res.status).toBe(200);
    const types = res.body.types as string[];
    expect(types).toContain("legacy.thing");
    expect(types).toContain("space.exec");
    expect(types).toContain("template.put");
    expect(types).toEqual([...types].sort());
    expect(new Set(types).size).toBe(types.length);
    expect(t.deps.audit.types()).toEqual(["legacy.thing", "space.exec"]);
  });
});
