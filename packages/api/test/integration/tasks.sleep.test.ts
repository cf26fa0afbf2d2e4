import { describe, expect, it } from "vitest";
import { useTestServer } from "./fixture.js";
import { engineAvailable } from "./support.js";
import { waitEnded } from "./taskHelpers.js";

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
};

describe.skipIf(!engineAvailable)("tasks and sleep", () => {
  const s = useTestServer({ env: { IDLE_TIMEOUT_MS: "3000", SLEEP_CHECK_MS: "500", HIBERNATE_AFTER_MS: "0", TASK_POLL_MS: "500" } });

  it("a keepAwake task holds its space awake past the idle timeout and the sleep answer names it; keepAwake false lets it sleep and goes on after the wake", async () => {
    const awake = s.spaceName("awake");
    const lazy = s.spaceName("lazy");
    await Promise.all([s.client.createSpace({ name: awake, memory: "256m" }), s.client.createSpace({ name: lazy, memory: "256m" })]);
    const held = await s.client.tasks.start(awake, { command: "sleep 12", name: "holder" });
    const free = await s.client.tasks.start(lazy, { command: "for i in $(seq 1 20); do echo $i; sleep 0.5; done", keepAwake: false });
    await until("the keepAwake false space to sleep", async () => (await s.client.getSpace(lazy)).state === "sleeping");
    const sleepy = (await (await s.fetch(`/api/spaces/${lazy}/sleep`)).json()) as { tasks: Array<{ id: string; keepAwake: boolean }> };
    expect(sleepy.tasks).toEqual([{ id: free.id, name: null, keepAwake: false }]);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await s.client.getSpace(awake)).state).toBe("running");
    const answer = (await (await s.fetch(`/api/spaces/${awake}/sleep`)).json()) as { blockedBy: Array<{ reason: string; tasks?: unknown }> };
    expect(answer.blockedBy).toContainEqual({ reason: "task", tasks: [{ id: held.id, name: "holder" }] });
    // Frozen while asleep: still running, and it finishes after a wake.
    expect((await s.client.tasks.get(lazy, free.id)).state).toBe("running");
    // Woken and held awake by a lease (it would sleep again on schedule otherwise: the task does not hold it).
    expect((await s.post(`/api/spaces/${lazy}/keepalive`, { ttlMs: 60_000 })).status).toBe(200);
    expect(await waitEnded(s.client, lazy, free.id)).toMatchObject({ state: "succeeded", exitCode: 0 });
    expect(await waitEnded(s.client, awake, held.id)).toMatchObject({ state: "succeeded" });
  });
});
