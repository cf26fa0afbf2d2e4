import { beforeEach, describe, expect, it } from "vitest";
import { FakeWorld } from "../support/fakes/world.js";
import { CpuMonitor } from "../../src/sleep/cpuMonitor.js";

const SEC = 1000;
const NS_PER_MS = 1e6;

describe("CpuMonitor with the fake runtime", () => {
  let now: number;
  let fake: FakeWorld;
  let cpu: CpuMonitor;

  beforeEach(async () => {
    now = 1_900_000_000_000;
    fake = new FakeWorld();
    await fake.engine.containers.create({
      name: "s",
      image: "clawdspace:latest",
      memory: 1024 ** 3,
      cpus: 1,
      pidsLimit: 100,
      tmpfsBytes: 64 * 1024 ** 2,
      env: {},
      labels: {},
      volumeName: "clawdspace-vol-s",
      gpu: false,
      privileges: "strict",
      readOnlyRootfs: false,
      network: "internet",
    });
    await fake.engine.containers.start("s");
    fake.cpuNs.set("s", 5e9);
    cpu = new CpuMonitor(fake.engine.containers, () => now, 5, 30 * SEC);
  });

  /** Moves the clock by `ms` while the space uses `pct` percent of one CPU. */
  const run = (ms: number, pct: number) => {
    now += ms;
    fake.cpuNs.set("s", fake.cpuNs.get("s")! + (ms * NS_PER_MS * pct) / 100);
  };

  it("the first reading opens a window and has no verdict", async () => {
    expect(await cpu.measure("s")).toBeUndefined();
    expect(cpu.latest("s")).toBeUndefined();
    expect(cpu.hasRecentSample("s")).toBe(true);
    expect(fake.callCounts().cpuUsage).toBe(1);
  });

  it("the second reading gives percent = ns delta / wall delta", async () => {
    await cpu.measure("s");
    run(10 * SEC, 2);
    const v = await cpu.measure("s");
    expect(v).toEqual({ busy: false, percent: 2, at: now });
    expect(cpu.latest("s")).toEqual(v);
  });

  it("percent is rounded to one decimal and can exceed 100 on several CPUs", async () => {
    await cpu.measure("s");
    run(3 * SEC, 33.333);
    expect((await cpu.measure("s"))!.percent).toBe(33.3);
    run(5 * SEC, 250);
    expect((await cpu.measure("s"))!.percent).toBe(250);
  });

  it("busy only above the threshold", async () => {
    await cpu.measure("s");
    run(10 * SEC, 5);
    expect((await cpu.measure("s"))!.busy).toBe(false);
    run(10 * SEC, 5.5);
    const v = await cpu.measure("s");
    expect(v!.busy).toBe(true);
    expect(v!.percent).toBe(5.5);
  });

  it("a window longer than maxWindowMs restarts instead of judging", async () => {
    await cpu.measure("s");
    run(30 * SEC + 1, 100);
    expect(cpu.hasRecentSample("s")).toBe(false);
    expect(await cpu.measure("s")).toBeUndefined();
    expect(cpu.latest("s")).toBeUndefined();
    run(10 * SEC, 1);
    expect((await cpu.measure("s"))!.percent).toBe(1);
  });

  it("exactly maxWindowMs is still a usable window", async () => {
    await cpu.measure("s");
    run(30 * SEC, 10);
    expect((await cpu.measure("s"))!.busy).toBe(true);
  });

  it("a counter that went backwards (the container restarted) restarts the window", async () => {
    await cpu.measure("s");
    now += 10 * SEC;
    fake.cpuNs.set("s", 1e6);
    expect(await cpu.measure("s")).toBeUndefined();
    run(10 * SEC, 50);
    expect((await cpu.measure("s"))!.percent).toBe(50);
  });

  it("two readings at the same instant give no verdict", async () => {
    await cpu.measure("s");
    fake.cpuNs.set("s", 9e9);
    expect(await cpu.measure("s")).toBeUndefined();
  });

  it("forget drops the sample and the verdict", async () => {
    await cpu.measure("s");
    run(10 * SEC, 50);
    await cpu.measure("s");
    cpu.forget("s");
    expect(cpu.latest("s")).toBeUndefined();
    expect(cpu.hasRecentSample("s")).toBe(false);
    run(10 * SEC, 50);
    expect(await cpu.measure("s")).toBeUndefined();
  });
});
