import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawdspaceClient } from "@clawdspace/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServer, type ServerProcess } from "../support/serverProcess.js";
import { followRun, startStub, STUB_PORT, stubRequests } from "./agentHelpers.js";
import { engineAvailable, runId, spaceName } from "./support.js";

// The real worker, fast: 3 s idle, 1 s ticks, hibernated 4 s after the pause.
const SLEEP_ENV = { IDLE_TIMEOUT_MS: "3000", SLEEP_CHECK_MS: "1000", HIBERNATE_AFTER_MS: "4000", TASK_POLL_MS: "500" };

describe.skipIf(!engineAvailable)("agent conversations outlive hibernation, a server restart and a re-creation", () => {
  let dataDir = "";
  let credFile = "";
  let server: ServerProcess;
  let client: ClawdspaceClient;
  const name = spaceName("agsleep");
  const start = async () => {
    server = await spawnServer(runId, { ...SLEEP_ENV, CLAWDSPACE_DATA_DIR: join(dataDir, "data"), AGENT_CREDENTIALS_FILE: credFile, API_KEY: key });
    client = new ClawdspaceClient({ baseUrl: server.url, key });
  };
  const key = `test_${randomBytes(12).toString("hex")}`;
  const waitState = async (want: string, ms = 60_000) => {
    const until = Date.now() + ms;
    while ((await client.getSpace(name)).state !== want) {
      if (Date.now() > until) throw new Error(`${name} never became ${want}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cs-agsleep-"));
    credFile = join(dataDir, "agent.env");
    await writeFile(credFile, `ANTHROPIC_API_KEY=sk-ant-api03-${runId}-${randomBytes(8).toString("hex")}\nANTHROPIC_BASE_URL=http://127.0.0.1:${STUB_PORT}\n`);
    await start();
    await client.createSpace({ name, template: "agent" });
  }, 120_000);

  afterAll(async () => {
    await client?.deleteSpace(name, { removeVolume: true }).catch(() => undefined);
    await server?.stop();
  });

  it("a run with resume after hibernation and after a server restart continues the conversation", async () => {
    // The stub does not hold the space awake: once the run ends, the space sleeps and hibernates.
    await startStub(client, name, { keepAwake: false });
    const first = await client.agent.run(name, { prompt: "remember the word PELICAN-42" });
    const one = await followRun(client, name, first.id);
    expect(one.run.state).toBe("succeeded");
    const session = one.run.sessionId!;
    expect(session).toBeTruthy();
    await waitState("hibernated", 90_000);

    // A cold wake; the stub went with the old container, so it starts again first.
    await startStub(client, name, { keepAwake: false });
    const second = await client.agent.run(name, { prompt: "which word?", resume: "last" });
    const two = await followRun(client, name, second.id);
    expect(two.run).toMatchObject({ state: "succeeded", sessionId: session, resume: session });
    expect((await stubRequests(client, name)).at(-1)!.messages.map((m) => m.text).join("\n")).toContain("PELICAN-42");

    // The server goes away and comes back: the run records are in its store, the session on the volume.
    await server.stop();
    await start();
    expect((await client.agent.list(name)).map((r) => r.id)).toEqual([second.id, first.id]);
    await startStub(client, name);
    const third = await client.agent.run(name, { prompt: "and again?", resume: session });
    const three = await followRun(client, name, third.id);
    expect(three.run).toMatchObject({ state: "succeeded", sessionId: session });
    const texts = (await stubRequests(client, name)).at(-1)!.messages.map((m) => m.text).join("\n");
    expect(texts).toContain("PELICAN-42");
    expect(texts).toContain("which word?");
  }, 300_000);

  it("destroyed with its volume kept and made again, the space's agent still finds its conversation", async () => {
    const before = (await client.agent.list(name))[0]!;
    await client.deleteSpace(name);
    await client.createSpace({ name, template: "agent" });
    expect(await client.agent.list(name)).toEqual([]);
    await startStub(client, name);
    // No run is known any more: "last" means the newest conversation on the volume.
    const run = await client.agent.run(name, { prompt: "still there?", resume: "last" });
    const done = await followRun(client, name, run.id);
    expect(done.run).toMatchObject({ state: "succeeded", sessionId: before.sessionId });
    expect((await stubRequests(client, name)).at(-1)!.messages.map((m) => m.text).join("\n")).toContain("PELICAN-42");
  }, 180_000);
});
