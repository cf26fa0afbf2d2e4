import { describe, expect, it } from "vitest";
import { FakeContainers } from "../support/fakes/fakeContainers.js";
import { FakeWorld } from "../support/fakes/world.js";
import { WAKE_HEADER } from "../../src/spaces/routes.js";
import { createSpace, makeApp } from "./helpers.js";

const SEC = 1000;
const MIN = 60 * SEC;
const IDLE = 10 * MIN;
const CHECK = 15 * SEC;
const HIB = 60 * MIN;
const sleepConfig = (opTimeoutMs = 2000) => ({
  sleep: { idleTimeoutMs: IDLE, hibernateAfterMs: HIB, checkMs: CHECK, cpuThresholdPct: 5, opTimeoutMs, keepaliveMaxMs: 86_400_000 },
});

/** A world whose CPU read for some spaces hangs until released. */
class HangingRuntime extends FakeWorld {
  readonly hang = new Set<string>();
  private readonly waiting: Array<() => void> = [];
  constructor() {
    super();
    const world = this;
    this.engine.containers = new (class extends FakeContainers {
      override async cpuUsage(name: string): Promise<number> {
        if (world.hang.has(name)) await new Promise<void>((resolve) => world.waiting.push(resolve));
        return super.cpuUsage(name);
      }
    })(this);
  }
  release(): void {
    this.hang.clear();
    for (const r of this.waiting.splice(0)) r();
  }
}

async function setup(fake = new FakeWorld(), opTimeoutMs?: number) {
  let now = Date.parse("2031-01-01T00:00:00.000Z");
  const t = makeApp({ clock: () => now, fake, config: sleepConfig(opTimeoutMs) });
  t.fake.execHandler = (_s, spec) => ({ stdout: spec.argv[0] === "/bin/sh" ? "" : "ok\n", exitCode: 0 });
  const advance = (ms: number) => {
    now += ms;
  };
  return { t, advance, tick: () => t.deps.worker.tick() };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function putToSleep(s: Setup, hibernate: boolean): Promise<void> {
  await createSpace(s.t, "a");
  s.advance(IDLE + SEC);
  await s.tick();
  s.advance(CHECK);
  expect(await s.tick()).toMatchObject({ paused: 1 });
  if (hibernate) {
    s.advance(HIB);
    expect(await s.tick()).toMatchObject({ hibernated: 1 });
  }
}

describe("waking a sleeping or hibernated space", () => {
  it.each([
    ["exec", "sleeping", "warm"],
    ["exec", "hibernated", "cold"],
    ["start", "sleeping", "warm"],
    ["start", "hibernated", "cold"],
  ] as const)("%s on a %s space wakes it %s, with a space.wake event", async (cause, from, tier) => {
    const s = await setup();
    await putToSleep(s, from === "hibernated");
    const { t } = s;
    expect((await t.api.get("/api/spaces/a")).body.space.state).toBe(from);

    const res = cause === "exec" ? await t.api.post("/api/spaces/a/exec", { command: ["echo", "ok"] }) : await t.api.post("/api/spaces/a/start");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.wake).toBe(tier);
    expect(res.headers[WAKE_HEADER.toLowerCase()]).toBe(tier);
    if (cause === "exec") expect(res.body.stdout).toBe("ok\n");

    expect(t.fake.containers.get("a")!.state).toBe("running");
    const wakes = t.deps.audit.query({ space: "a", type: "space.wake", limit: 10 });
    expect(wakes).toHaveLength(1);
    expect(wakes[0]!.meta).toEqual({ tier, cause, from });
    const row = t.deps.state.peek("a")!;
    expect(row).toMatchObject({ pausedBy: null, pausedAt: null, hibernatedAt: null });
    const space = (await t.api.get("/api/spaces/a")).body.space;
    expect(space.state).toBe("running");
    expect(space.status).toBe("running");
  });

  it.each([
    ["exec", (t: Setup["t"]) => t.api.post("/api/spaces/a/exec", { command: ["echo", "ok"] }).set("X-Request-Id", "req-wake-1")],
    ["files", (t: Setup["t"]) => t.api.get("/api/spaces/a/files?path=/").set("X-Request-Id", "req-wake-1")],
  ] as const)("a wake caused by %s records who asked and the request id", async (cause, call) => {
    const s = await setup();
    await putToSleep(s, false);
    const res = await call(s.t);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const wakes = s.t.deps.audit.query({ space: "a", type: "space.wake", limit: 10 });
    expect(wakes).toHaveLength(1);
    expect(wakes[0]).toMatchObject({ actor: "default", requestId: "req-wake-1", meta: { tier: "warm", cause, from: "sleeping" } });
  });

  it("a woken space is not paused again until it has been idle for the full timeout", async () => {
    const s = await setup();
    await putToSleep(s, false);
    expect((await s.t.api.post("/api/spaces/a/start")).body.wake).toBe("warm");
    s.advance(IDLE - CHECK - 1);
    expect(await s.tick()).toMatchObject({ checked: 0, paused: 0 });
    expect(s.t.fake.containers.get("a")!.state).toBe("running");
  });
});

describe("a hung worker step", () => {
  it("does not stop the tick from pausing other spaces; the hung space is skipped while in flight", async () => {
    const fake = new HangingRuntime();
    const s = await setup(fake, 50);
    await createSpace(s.t, "a");
    await createSpace(s.t, "stuck");
    fake.hang.add("stuck");
    s.advance(IDLE + SEC);

    const started = Date.now();
    const first = await s.tick();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(first).toMatchObject({ spaces: 2, checked: 2, paused: 0, skippedInFlight: 0 });

    s.advance(CHECK);
    const second = await s.tick();
    expect(second).toMatchObject({ spaces: 2, paused: 1, skippedInFlight: 1 });
    expect(fake.containers.get("a")!.state).toBe("paused");
    expect(fake.containers.get("stuck")!.state).toBe("running");

    s.advance(CHECK);
    expect(await s.tick()).toMatchObject({ skippedInFlight: 1 });

    fake.release();
    await expect.poll(async () => (await s.tick()).skippedInFlight).toBe(0);
  });
});
