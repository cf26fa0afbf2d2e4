import { describe, expect, it } from "vitest";
import { createSpace, makeApp } from "./helpers.js";
import { SEC, MIN, IDLE, CHECK, HIB, isVetoCheck, setup, engineState, events, spaceOf } from "./sleepHarness.js";

describe("SleepWorker.tick: hibernation and people's pauses", () => {
  async function sleeping() {
    const s = await setup();
    s.advance(IDLE + SEC);
    await s.tick();
    s.advance(CHECK);
    expect(await s.tick()).toMatchObject({ paused: 1 });
    return s;
  }

  it("after hibernateAfterMs of sleep the next tick hibernates the space", async () => {
    const { t, now, advance, tick } = await sleeping();
    advance(HIB - 1);
    expect(await tick()).toMatchObject({ hibernated: 0 });
    expect(engineState(t, "a")).toBe("paused");
    advance(1);
    expect(await tick()).toMatchObject({ hibernated: 1 });
    expect(engineState(t, "a")).toBe("stopped");
    const row = t.deps.state.peek("a")!;
    expect(row).toMatchObject({ pausedBy: null, pausedAt: null, hibernatedAt: now() });
    const hib = events(t, "space.hibernate");
    expect(hib).toHaveLength(1);
    expect(hib[0]!.meta).toMatchObject({ reason: "idle", sleptMs: HIB });
    const space = await spaceOf(t);
    expect(space.state).toBe("hibernated");
    expect(space.status).toBe("stopped");
    advance(HIB);
    expect(await tick()).toMatchObject({ hibernated: 0, paused: 0 });
    expect(events(t, "space.hibernate")).toHaveLength(1);
  });

  it("a space paused by a person is never hibernated or woken by ticks", async () => {
    const { t, advance, tick } = await setup();
    expect((await t.api.post("/api/spaces/a/stop")).status).toBe(200);
    const before = t.fake.callCounts();
    for (let i = 0; i < 5; i++) {
      advance(IDLE + HIB);
      expect(await tick()).toMatchObject({ paused: 0, hibernated: 0, repaused: 0 });
    }
    expect(engineState(t, "a")).toBe("paused");
    expect(t.deps.state.peek("a")!.pausedBy).toBe("user");
    const after = t.fake.callCounts();
    expect(after.unpause ?? 0).toBe(before.unpause ?? 0);
    expect(after.stop ?? 0).toBe(before.stop ?? 0);
    expect(events(t, "space.hibernate")).toEqual([]);
    expect(events(t, "space.wake")).toEqual([]);
    const space = await spaceOf(t);
    expect(space.state).toBe("paused");
    expect(space.sleepBlockedBy).toEqual(["user-paused"]);
  });

  it("a person's pause that lands while the worker is checking stays the person's (not turned into an idle pause)", async () => {
    const { t, advance, tick } = await setup();
    advance(IDLE + SEC);
    await tick();
    let stopped: number | undefined;
    t.fake.execHandler = async (_s, spec) => {
      if (isVetoCheck(spec) && stopped === undefined) stopped = (await t.api.post("/api/spaces/a/stop")).status;
      return { stdout: "" };
    };
    advance(CHECK);
    expect(await tick()).toMatchObject({ checked: 1, paused: 0 });
    expect(stopped).toBe(200);
    expect(engineState(t, "a")).toBe("paused");
    expect(t.deps.state.peek("a")!.pausedBy).toBe("user");
    expect(events(t, "space.pause").map((e) => e.meta!.reason)).toEqual(["user"]);
    advance(2 * HIB);
    expect(await tick()).toMatchObject({ hibernated: 0 });
    expect(engineState(t, "a")).toBe("paused");
  });

  it("pausing a sleeping space by hand makes it the person's: it is no longer hibernated", async () => {
    const { t, advance, tick } = await sleeping();
    expect((await t.api.post("/api/spaces/a/stop")).status).toBe(200);
    expect(t.deps.state.peek("a")!.pausedBy).toBe("user");
    advance(2 * HIB);
    expect(await tick()).toMatchObject({ hibernated: 0 });
    expect(engineState(t, "a")).toBe("paused");
  });

  it("a tick over only paused, sleeping and recently active spaces makes exactly one runtime call: list", async () => {
    const { t, advance, tick } = await setup(["a", "b", "c"]);
    expect((await t.api.post("/api/spaces/b/stop")).status).toBe(200);
    advance(IDLE + SEC);
    expect((await t.api.post("/api/spaces/c/exec", { command: "true" })).status).toBe(200);
    await tick();
    advance(CHECK);
    expect(await tick()).toMatchObject({ paused: 1 });
    expect(engineState(t, "a")).toBe("paused");
    expect(engineState(t, "c")).toBe("running");

    advance(CHECK);
    const before = t.fake.callCounts();
    expect(await tick()).toMatchObject({ spaces: 3, checked: 0, paused: 0, hibernated: 0 });
    const after = t.fake.callCounts();
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    expect(changed).toEqual(["list"]);
    expect(after.list! - before.list!).toBe(1);
  });

  it("idleTimeoutMs 0 never pauses", async () => {
    let now = Date.parse("2031-01-01T00:00:00.000Z");
    const t = makeApp({
      clock: () => now,
      config: { sleep: { idleTimeoutMs: 0, hibernateAfterMs: HIB, checkMs: CHECK, cpuThresholdPct: 5, opTimeoutMs: 2000, keepaliveMaxMs: 86_400_000 } },
    });
    t.fake.execHandler = () => ({ stdout: "" });
    await createSpace(t, "a");
    for (let i = 0; i < 3; i++) {
      now += 365 * 24 * 60 * MIN;
      expect(await t.deps.worker.tick()).toMatchObject({ checked: 0, paused: 0 });
    }
    expect(engineState(t, "a")).toBe("running");
    expect((await spaceOf(t)).sleepBlockedBy).toEqual(["disabled"]);
  });
});
