import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { PolicyGuard, type PolicyGuardDeps } from "../../src/network/policyGuard.js";
import { createOptionsOf } from "../../src/engine/docker/containerSpec.js";
import { createSpace, makeApp } from "./helpers.js";
import { LABEL } from "../../src/engine/naming.js";

const policyConfig = { network: { policy: true, prefix: "cstest", helperImage: "clawdspace/netpolicy:test", dnsServers: undefined, reapplyMs: 0, watchMs: 2000 } };

describe("the network guard (fail closed)", () => {
  it("the engine never restarts a policy-network space by itself; a space without a policy network keeps unless-stopped", async () => {
    const t = makeApp({ config: policyConfig });
    await createSpace(t, "inet", { network: "internet" });
    await createSpace(t, "off", { template: "offline" });
    expect(createOptionsOf(t.fake.containers.get("inet")!.spec).HostConfig!.RestartPolicy).toEqual({ Name: "no" });
    expect(createOptionsOf(t.fake.containers.get("off")!.spec).HostConfig!.RestartPolicy).toEqual({ Name: "unless-stopped" });
  });

  it("applies the rules again before it starts a space that stopped without the server, and leaves hibernated and running ones alone", async () => {
    let now = 1_000_000;
    const t = makeApp({ config: policyConfig, clock: () => now });
    await createSpace(t, "down", { network: "lan" });
    await createSpace(t, "hib", { network: "internet" });
    await createSpace(t, "up", { network: "internet" });
    await createSpace(t, "off", { template: "offline" });
    t.fake.containers.get("down")!.state = "stopped";
    t.fake.containers.get("hib")!.state = "stopped";
    t.fake.containers.get("off")!.state = "stopped";
    t.deps.state.update("hib", { hibernatedAt: now });
    const helpersBefore = t.fake.helperLog.length;
    const guard = t.deps.policyGuard!;
    expect(await guard.sweep()).toEqual(["down"]);
    // both policy networks' rules were applied again, before the start
    expect(t.fake.helperLog.length - helpersBefore).toBe(2);
    expect(t.fake.containers.get("down")!.state).toBe("running");
    expect(t.fake.containers.get("hib")!.state).toBe("stopped");
    expect(t.fake.containers.get("off")!.state).toBe("stopped");
    // spaces made before the guard had unless-stopped: every policy-network space is pinned to "no", once
    for (const name of ["down", "hib", "up"]) expect(t.fake.containers.get(name)!.restartPolicy).toBe("no");
    expect(t.fake.containers.get("off")!.restartPolicy).toBeUndefined();
    const updates = t.fake.callCounts().setRestartPolicy;
    await guard.sweep();
    expect(t.fake.callCounts().setRestartPolicy).toBe(updates);
    const events = t.deps.audit.query({ space: "down", limit: 10 }).filter((e) => e.type === "space.start");
    expect(events.at(-1)).toMatchObject({ actor: "server", meta: { reason: "restore" } });

    // One that keeps stopping is started again less and less often.
    t.fake.containers.get("down")!.state = "stopped";
    now += 5_000;
    expect(await guard.sweep()).toEqual([]);
    now += 6_000;
    expect(await guard.sweep()).toEqual(["down"]);
    t.fake.containers.get("down")!.state = "stopped";
    now += 11_000;
    expect(await guard.sweep()).toEqual([]);
    now += 10_000;
    expect(await guard.sweep()).toEqual(["down"]);
  });

  it("with nothing down it applies no rules (a sweep is one list call)", async () => {
    const t = makeApp({ config: policyConfig });
    await createSpace(t, "a", { network: "internet" });
    const before = t.fake.helperLog.length;
    const lists = t.fake.callCounts().list ?? 0;
    expect(await t.deps.policyGuard!.sweep()).toEqual([]);
    expect(t.fake.helperLog.length).toBe(before);
    expect(t.fake.callCounts().list).toBe(lists + 1);
  });

  it("is absent when the policy is off", () => {
    expect(makeApp().deps.policyGuard).toBeUndefined();
  });

  it("a sweep caught on an engine list that never answers is given up on after its deadline, and the next one runs", async () => {
    vi.useFakeTimers();
    try {
      let lists = 0;
      const containers = { list: () => (++lists === 1 ? new Promise<never>(() => undefined) : Promise.resolve([])), setRestartPolicy: () => Promise.resolve() };
      const guard = new PolicyGuard({ containers, log: pino({ level: "silent" }), now: () => Date.now() } as unknown as PolicyGuardDeps);
      const stuck = guard.sweep().catch((e: Error) => e.message);
      // while it hangs, callers share it rather than piling up
      void guard.sweep().catch(() => undefined);
      expect(lists).toBe(1);
      await vi.advanceTimersByTimeAsync(5_000);
      expect(await stuck).toMatch(/list did not answer within 5000 ms/);
      expect(await guard.sweep()).toEqual([]);
      expect(lists).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("rules slower than a sweep's deadline are waited on by the next sweep, not applied again from scratch", async () => {
    vi.useFakeTimers();
    try {
      const listed = [{ name: "s", state: "stopped", labels: { [LABEL.network]: "lan" } }];
      let reapplies = 0;
      let applyMs = 25_000;
      const restores: string[] = [];
      const guard = new PolicyGuard({
        containers: { list: () => Promise.resolve(listed.map((r) => ({ ...r }))), setRestartPolicy: () => Promise.resolve() },
        state: { peek: () => undefined },
        // right after an engine restart: 25 s, past the 20 s a sweep gives it
        network: { reapply: () => (reapplies++, new Promise<void>((r) => setTimeout(r, applyMs))) },
        lifecycle: { restore: (name: string) => (restores.push(name), Promise.resolve(true)) },
        log: pino({ level: "silent" }),
        now: () => Date.now(),
      } as unknown as PolicyGuardDeps);
      const first = guard.sweep().catch((e: Error) => e.message);
      await vi.advanceTimersByTimeAsync(20_000);
      expect(await first).toMatch(/rules did not answer within 20000 ms/);
      expect(restores).toEqual([]);
      const second = guard.sweep();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(await second).toEqual(["s"]);
      expect({ reapplies, restores }).toEqual({ reapplies: 1, restores: ["s"] });
      // Another space found down 2 s later: the rules just applied still stand, so no second application.
      listed[0]!.state = "running";
      listed.push({ name: "t", state: "stopped", labels: { [LABEL.network]: "internet" } });
      await vi.advanceTimersByTimeAsync(2_000);
      expect(await guard.sweep()).toEqual(["t"]);
      expect(reapplies).toBe(1);
      // Later than that, they are applied again first.
      listed[1]!.state = "stopped";
      listed.push({ name: "u", state: "stopped", labels: { [LABEL.network]: "lan" } });
      applyMs = 1_000;
      await vi.advanceTimersByTimeAsync(10_000);
      const third = guard.sweep();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await third).toEqual(["t", "u"]);
      expect(reapplies).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
