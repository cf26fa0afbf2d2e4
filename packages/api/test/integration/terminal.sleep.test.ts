import { describe, expect, it } from "vitest";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable } from "./support.js";

// A short idle time, a fast worker, and output that counts only 1 s after a keystroke.
const ENV = { IDLE_TIMEOUT_MS: "4000", SLEEP_CHECK_MS: "500", TERMINAL_OUTPUT_ACTIVITY_MS: "1000", SLEEP_CPU_THRESHOLD_PCT: "50" };

describe.skipIf(!engineAvailable)("terminal and auto-sleep on the real engine", () => {
  const s = useServerWithSpace("tsleep", { env: ENV });
  const { name } = s;

  it("lets a space with a terminal printing on its own (tail -f) fall asleep, tells the viewer, and wakes on a keystroke", async () => {
    const t = await s.terminal(name);
    t.type("while :; do echo tick-$((1+1)); sleep 0.3; done\r");
    await t.waitText(/tick-2\r\n/);
    await t.waitStatus("sleeping", 60_000);
    expect((await s.client.getSpace(name)).state).toBe("sleeping");
    const ticksAtSleep = t.text().split("tick-2").length;
    // Ctrl-C: the keystroke wakes the space, and the loop's output resumed before it stopped
    t.type("\x03");
    await t.waitStatus("running", 30_000);
    t.type("echo AWAKE_$((4+4))\r");
    await t.waitText(/AWAKE_8\r\n/);
    expect(t.text().split("tick-2").length).toBeGreaterThanOrEqual(ticksAtSleep);
    const wake = s.deps.audit.query({ space: name, type: "space.wake", limit: 10 }).at(-1);
    expect(wake?.meta).toMatchObject({ cause: "terminal", tier: "warm", from: "sleeping" });
    await t.close();
  });
});
