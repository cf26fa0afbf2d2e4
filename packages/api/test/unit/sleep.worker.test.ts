import { describe, expect, it } from "vitest";
import { SEC, MIN, IDLE, CHECK, isVetoCheck, setup, engineState, events, spaceOf } from "./sleepHarness.js";

describe("SleepWorker.tick: idle pause", () => {
  it("does nothing and reads no CPU before the deadline is near", async () => {
    const { t, advance, tick } = await setup();
    advance(IDLE - CHECK - 1);
    const r = await tick();
    expect(r).toMatchObject({ spaces: 1, checked: 0, paused: 0 });
    expect(t.fake.callCounts().cpuUsage).toBeUndefined();
    expect(engineState(t, "a")).toBe("running");
  });

  it("an idle space is paused after the timeout: first due tick samples, the second pauses", async () => {
    const { t, now, advance, tick } = await setup();
    advance(IDLE + SEC);
    const first = await tick();
    expect(first).toMatchObject({ checked: 1, paused: 0 });
    expect(engineState(t, "a")).toBe("running");
    expect(t.fake.callCounts().cpuUsage).toBe(1);

    advance(CHECK);
    const second = await tick();
    expect(second).toMatchObject({ checked: 1, paused: 1 });
    expect(engineState(t, "a")).toBe("paused");
    const row = t.deps.state.peek("a")!;
    expect(row.pausedBy).toBe("idle");
    expect(row.pausedAt).toBe(now());
    const [ev, ...more] = events(t, "space.pause");
    expect(more).toEqual([]);
    expect(ev!.actor).toBe("worker");
    expect(ev!.meta).toMatchObject({ reason: "idle", lastActivitySource: "create", cpuPercent: 0, idleMs: IDLE + SEC + CHECK });
    const space = await spaceOf(t);
    expect(space.status).toBe("paused");
    expect(space.state).toBe("sleeping");
  });

  it("pre-sampling: a tick within checkMs of the deadline opens the window, so the first due tick pauses", async () => {
    const { t, advance, tick } = await setup();
    advance(IDLE - 5 * SEC);
    const early = await tick();
    expect(early).toMatchObject({ checked: 0, paused: 0 });
    expect(t.fake.callCounts().cpuUsage).toBe(1);
    expect(engineState(t, "a")).toBe("running");

    advance(CHECK);
    expect(await tick()).toMatchObject({ checked: 1, paused: 1 });
    expect(engineState(t, "a")).toBe("paused");
  });

  it("a busy CPU prevents the pause and counts as activity (source cpu)", async () => {
    const { t, now, advance, tick } = await setup();
    advance(IDLE + SEC);
    await tick();
    advance(CHECK);
    t.fake.cpuNs.set("a", CHECK * 1e6 * 0.5); // 50 % of a CPU over the window
    expect(await tick()).toMatchObject({ checked: 1, paused: 0 });
    expect(engineState(t, "a")).toBe("running");
    expect(t.deps.activity.lastActivity("a")).toEqual({ at: now(), source: "cpu" });
    const space = await spaceOf(t);
    expect(space.activity.lastSource).toBe("cpu");
    expect(space.sleepBlockedBy).toContain("cpu");
    expect(space.sleepsAt).toBeNull();
    expect(events(t, "space.pause")).toEqual([]);
  });

  it("a CPU at the threshold or below does not block", async () => {
    const { t, advance, tick } = await setup();
    advance(IDLE + SEC);
    await tick();
    advance(CHECK);
    t.fake.cpuNs.set("a", CHECK * 1e6 * 0.05);
    expect(await tick()).toMatchObject({ paused: 1 });
    expect(engineState(t, "a")).toBe("paused");
  });
});

describe("SleepWorker.tick: what holds a space awake", () => {
  it("a running exec prevents the pause for its whole life; its end counts as activity", async () => {
    const { t, advance, tick } = await setup();
    let release: (() => void) | undefined;
    t.fake.execHandler = (_s, spec) =>
      isVetoCheck(spec) ? { stdout: "" } : new Promise((resolve) => (release = () => resolve({ stdout: "done\n", exitCode: 0 })));
    const pending = t.api.post("/api/spaces/a/exec", { command: "sleep 1000" }).then((r) => r);
    await expect.poll(() => release !== undefined).toBe(true);

    advance(2 * IDLE);
    expect(await tick()).toMatchObject({ checked: 0, paused: 0 });
    advance(CHECK);
    expect(await tick()).toMatchObject({ checked: 0, paused: 0 });
    expect(engineState(t, "a")).toBe("running");
    expect(t.fake.callCounts().cpuUsage).toBeUndefined();
    expect((await spaceOf(t)).sleepBlockedBy).toEqual(["exec"]);

    release!();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.stdout).toBe("done\n");
    advance(IDLE - CHECK - 1);
    await tick();
    expect(engineState(t, "a")).toBe("running");
    advance(CHECK + 2 * SEC);
    await tick();
    advance(CHECK);
    expect(await tick()).toMatchObject({ paused: 1 });
    expect(engineState(t, "a")).toBe("paused");
  });

  it("a keepalive lease prevents the pause until it expires", async () => {
    const { t, advance, tick } = await setup();
    const res = await t.api.post("/api/spaces/a/keepalive", { ttlMs: 20 * MIN });
    expect(res.status).toBe(200);
    advance(15 * MIN);
    await tick();
    advance(CHECK);
    expect(await tick()).toMatchObject({ checked: 0, paused: 0 });
    expect(engineState(t, "a")).toBe("running");
    expect((await spaceOf(t)).sleepBlockedBy).toEqual(["lease"]);

    advance(5 * MIN - CHECK + SEC); // 1 s past the lease
    expect((await spaceOf(t)).sleepBlockedBy).toEqual([]);
    await tick();
    advance(CHECK);
    expect(await tick()).toMatchObject({ paused: 1 });
    expect(engineState(t, "a")).toBe("paused");
  });

  it("a veto blocks the pause, is stored, audited once, and the pause happens once it clears", async () => {
    const { t, now, advance, tick } = await setup();
    let vetoOut = "veto:git\n";
    t.fake.execHandler = (_s, spec) => (isVetoCheck(spec) ? { stdout: vetoOut, exitCode: 0 } : { stdout: "" });
    advance(IDLE + SEC);
    await tick();
    for (let i = 0; i < 4; i++) {
      advance(CHECK);
      expect(await tick()).toMatchObject({ checked: 1, paused: 0 });
    }
    expect(engineState(t, "a")).toBe("running");
    const row = t.deps.state.peek("a")!;
    expect(row.veto).toBe("veto:git");
    expect(row.vetoAt).toBe(now());
    const vetoed = events(t, "space.sleep.vetoed");
    expect(vetoed).toHaveLength(1);
    expect(vetoed[0]!.meta).toEqual({ reason: "veto:git" });
    expect((await spaceOf(t)).sleepBlockedBy).toEqual(["veto:git"]);
    expect(t.fake.execLog.filter((e) => isVetoCheck(e.spec))).toHaveLength(4);

    vetoOut = "";
    advance(CHECK);
    expect(await tick()).toMatchObject({ paused: 1 });
    expect(engineState(t, "a")).toBe("paused");
    expect(t.deps.state.peek("a")!.veto).toBeNull();
    expect(t.deps.state.peek("a")!.vetoAt).toBeNull();
    expect(events(t, "space.sleep.vetoed")).toHaveLength(1);
  });

  it("a different veto reason is a new audit event", async () => {
    const { t, advance, tick } = await setup();
    let vetoOut = "veto:git\n";
    t.fake.execHandler = (_s, spec) => (isVetoCheck(spec) ? { stdout: vetoOut } : { stdout: "" });
    advance(IDLE + SEC);
    await tick();
    advance(CHECK);
    await tick();
    vetoOut = "veto:pkg\n";
    advance(CHECK);
    await tick();
    expect(events(t, "space.sleep.vetoed").map((e) => e.meta!.reason)).toEqual(["veto:git", "veto:pkg"]);
    expect(t.deps.state.peek("a")!.veto).toBe("veto:pkg");
  });

  it("a failing veto check (non-zero exit) does not veto", async () => {
    const { t, advance, tick } = await setup();
    t.fake.execHandler = (_s, spec) => (isVetoCheck(spec) ? { stdout: "veto:git\n", exitCode: 1 } : { stdout: "" });
    advance(IDLE + SEC);
    await tick();
    advance(CHECK);
    expect(await tick()).toMatchObject({ paused: 1 });
  });
});
