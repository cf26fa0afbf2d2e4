import type { Space } from "@clawdspace/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestServer, withTestServer } from "./fixture.js";
import { engineAvailable } from "./support.js";

// Short timeouts so the real worker acts within seconds: 3 s idle, 1 s ticks, 4 s asleep before hibernating.
const SLEEP_ENV = { IDLE_TIMEOUT_MS: "3000", SLEEP_CHECK_MS: "1000", HIBERNATE_AFTER_MS: "4000" };

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SleepAnswer {
  state: string;
  blockedBy: Array<{ reason: string; until?: string }>;
  wouldPauseNow: boolean;
  pauseAt: string | null;
  lastActivity: { at: string | null; source: string | null };
}

describe.skipIf(!engineAvailable)("auto-sleep on the real engine", () => {
  const s = useTestServer({ env: SLEEP_ENV });
  const names = { idle: s.spaceName("idle"), cpu: s.spaceName("cpu"), exec: s.spaceName("lexec"), lease: s.spaceName("lease"), git: s.spaceName("git"), pkg: s.spaceName("pkg") };
  const state = async (name: string) => (await s.client.getSpace(name)).state;
  const explain = async (name: string) => (await (await s.fetch(`/api/spaces/${name}/sleep`)).json()) as SleepAnswer;

  beforeAll(async () => {
    await Promise.all(Object.values(names).map((name) => s.client.createSpace({ name, memory: "128m" })));
  });

  describe.concurrent("decisions", () => {
    it("pauses an idle space, then hibernates it, and wakes it cold and warm with its data", async () => {
      const name = names.idle;
      await s.client.exec(name, { command: "echo kept > /workspace/f" });
      const fresh = await s.client.getSpace(name);
      expect(fresh.state).toBe("running");
      expect(Date.parse(fresh.sleepsAt!)).toBeGreaterThan(Date.now());

      await waitFor("sleeping", async () => (await state(name)) === "sleeping");
      const events = (await (await s.fetch(`/api/audit?space=${name}&type=space.pause`)).json()) as { events: Array<{ meta: { reason: string } }> };
      expect(events.events.at(-1)?.meta.reason).toBe("idle");

      await waitFor("hibernated", async () => (await state(name)) === "hibernated");
      expect((await s.client.getSpace(name)).status).toBe("stopped");

      const cold = await s.client.exec(name, { command: "cat /workspace/f" });
      expect(cold).toMatchObject({ stdout: "kept\n", wake: "cold" });
      await waitFor("sleeping again", async () => (await state(name)) === "sleeping");
      const warm = await s.client.exec(name, { command: "cat /workspace/f" });
      expect(warm).toMatchObject({ stdout: "kept\n", wake: "warm" });
      await waitFor("sleeping a third time", async () => (await state(name)) === "sleeping");
      const started = await s.fetch(`/api/spaces/${name}/start`, { method: "POST" });
      expect(((await started.json()) as { wake?: string }).wake).toBe("warm");
      const wakes = (await (await s.fetch(`/api/audit?space=${name}&type=space.wake`)).json()) as { events: Array<{ meta: { tier: string } }> };
      expect(wakes.events.map((e) => e.meta.tier)).toEqual(["cold", "warm", "warm"]);
    });

    it("does not pause a space whose processes are busy on the CPU", async () => {
      const name = names.cpu;
      await s.client.exec(name, { command: "setsid sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 &" });
      await sleep(8000);
      expect(await state(name)).toBe("running");
      const why = await explain(name);
      expect(why.lastActivity.source === "cpu" || why.blockedBy.some((b) => b.reason === "cpu")).toBe(true);
      await s.client.exec(name, { command: "pkill -f 'while :' || true" });
      await waitFor("paused once idle", async () => (await state(name)) === "sleeping", 30_000);
    });

    it("does not pause a space while a long exec runs", async () => {
      const name = names.exec;
      const long = s.client.exec(name, { command: "sleep 8; echo done" });
      await sleep(5000);
      expect(await state(name)).toBe("running");
      const why = await explain(name);
      expect(why.blockedBy.map((b) => b.reason)).toContain("exec");
      expect(why.wouldPauseNow).toBe(false);
      expect((await long).stdout).toBe("done\n");
      await waitFor("paused after the exec", async () => (await state(name)) === "sleeping");
    });

    it("holds a space awake with a lease until it expires", async () => {
      const name = names.lease;
      const res = await s.post(`/api/spaces/${name}/keepalive`, { ttlMs: 7000 });
      const lease = (await res.json()) as { until: string };
      expect(Date.parse(lease.until)).toBeGreaterThan(Date.now() + 5000);
      await sleep(5000);
      expect(await state(name)).toBe("running");
      expect((await explain(name)).blockedBy).toContainEqual({ reason: "lease", until: lease.until });
      await waitFor("paused after the lease", async () => (await state(name)) === "sleeping");
    });

    it("vetoes the pause while a git index lock exists, and pauses once it is gone", async () => {
      const name = names.git;
      await s.client.exec(name, { command: "mkdir -p /workspace/repo/.git && touch /workspace/repo/.git/index.lock" });
      await sleep(7000);
      expect(await state(name)).toBe("running");
      const why = await explain(name);
      expect(why.blockedBy.map((b) => b.reason)).toContain("veto:git");
      expect(why.wouldPauseNow).toBe(false);
      const vetoes = (await (await s.fetch(`/api/audit?space=${name}&type=space.sleep.vetoed`)).json()) as { events: unknown[] };
      expect(vetoes.events).toHaveLength(1);
      await s.client.exec(name, { command: "rm /workspace/repo/.git/index.lock" });
      await waitFor("paused after the lock is gone", async () => (await state(name)) === "sleeping");
    });
  });

  it("vetoes the pause while a package manager runs", async () => {
    const name = names.pkg;
    // a stand-in process named like the package manager (the real apt-get needs root and the network)
    await s.client.exec(name, { command: "cp /bin/sleep /tmp/apt-get && setsid /tmp/apt-get 30 </dev/null >/dev/null 2>&1 &" });
    await sleep(6000);
    expect(await state(name)).toBe("running");
    expect((await explain(name)).blockedBy.map((b) => b.reason)).toContain("veto:pkg");
    await s.client.exec(name, { command: "pkill -f /tmp/apt-get || true" });
    await waitFor("paused after the install", async () => (await state(name)) === "sleeping");
  });

  it("a space the user paused stays paused: no wake, no hibernate", async () => {
    const name = s.spaceName("user");
    await s.client.createSpace({ name, memory: "128m" });
    await s.client.pauseSpace(name);
    await sleep(6000); // beyond idle + hibernate delay
    const space = await s.client.getSpace(name);
    expect(space).toMatchObject({ status: "paused", state: "paused" });
    expect(space.sleepBlockedBy).toContain("user-paused");
    await s.client.deleteSpace(name, { removeVolume: true });
  });
});

describe.skipIf(!engineAvailable)("auto-sleep across a restart of the server", () => {
  // each test its own server settings and store; the fixture removes the spaces and the store after the body
  it("remembers activity: an active space is not paused early, an idle one is not forgotten", () =>
    withTestServer({ env: { ...SLEEP_ENV, IDLE_TIMEOUT_MS: "6000", HIBERNATE_AFTER_MS: "0" }, dataDir: true }, async (s) => {
      const active = s.spaceName("ract");
      const idle = s.spaceName("ridle");
      const manual = s.spaceName("rman");
      await Promise.all([active, idle, manual].map((name) => s.client.createSpace({ name, memory: "128m" })));
      await s.client.pauseSpace(manual);
      await sleep(3500);
      const touchedAt = Date.now();
      await s.client.exec(active, { command: "true" });

      await s.restart();
      // idle since creation (6 s ago by the time this runs): paused soon after the new server starts
      await waitFor("idle space paused after restart", async () => (await s.client.getSpace(idle)).state === "sleeping", 20_000);
      // the active one was touched < 6 s ago: a server that forgot would treat it as new or as idle
      const a = await s.client.getSpace(active);
      if (Date.now() - touchedAt < 5500) expect(a.state).toBe("running");
      expect(Math.abs(Date.parse(a.activity.lastAt!) - touchedAt)).toBeLessThan(2000);
      await waitFor("active space paused once idle", async () => (await s.client.getSpace(active)).state === "sleeping", 20_000);
      expect((await s.client.getSpace(manual)).state).toBe("paused");
    }));

  it("pauses again a space that the engine restarted while it was paused", () =>
    withTestServer({ env: { ...SLEEP_ENV, IDLE_TIMEOUT_MS: "60000" }, dataDir: true }, async (s) => {
      const name = s.spaceName("erst");
      await s.client.createSpace({ name, memory: "128m" });
      await s.client.pauseSpace(name);
      // What an engine restart does to a paused container with restart policy unless-stopped: it comes back
      // running with a new start time. The server sees nothing while the engine is down, so hold its worker.
      await s.deps.worker.stop();
      const c = s.docker.getContainer(`clawdspace-${name}`);
      await c.unpause();
      await c.restart({ t: 1 });
      s.deps.worker.start();
      await waitFor("paused again", async () => ((await s.client.getSpace(name)) as Space).status === "paused", 15_000);
      expect((await s.client.getSpace(name)).state).toBe("paused");
    }));
});
