import { describe, expect, it } from "vitest";
import { useServerWithSpace } from "./fixture.js";
import { canRestartEngine, restartEngine } from "./engineRestart.js";
import { engineAvailable } from "./support.js";
import { waitEnded } from "./taskHelpers.js";

// With CI=true the engine must be restartable here: a silent skip would hide the test.
const restartable = canRestartEngine();
if (process.env.CI === "true" && engineAvailable && !restartable) throw new Error("CI=true but this test cannot restart dockerd (needs root and a running dockerd)");

describe.skipIf(!engineAvailable || !restartable)("tasks across an engine restart", () => {
  const s = useServerWithSpace("eng", { env: { TASK_POLL_MS: "500" } });

  it("a running task ends as interrupted when the engine restarts, and new tasks run afterwards", async () => {
    const task = await s.client.tasks.start(s.name, { command: "sleep 600", name: "victim" });
    await restartEngine(s.docker);
    const ended = await waitEnded(s.client, s.name, task.id, 90_000);
    expect(ended.state).toBe("interrupted");
    expect(ended.reason).toMatch(/restart/);
    // The container comes back by its restart policy; a task started now runs to its end.
    const deadline = Date.now() + 60_000;
    while ((await s.client.getSpace(s.name)).status !== "running" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    const next = await s.client.tasks.start(s.name, { command: "echo again" });
    expect(await waitEnded(s.client, s.name, next.id)).toMatchObject({ state: "succeeded", exitCode: 0 });
  });
});
