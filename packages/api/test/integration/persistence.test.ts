import { beforeAll, describe, expect, it } from "vitest";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable } from "./support.js";

describe.skipIf(!engineAvailable)("wake on demand and data that outlives the container", () => {
  const s = useServerWithSpace("keep");
  const { name } = s;
  const read = () => s.sh("cat /workspace/data.txt");

  beforeAll(async () => {
    // These tests stop the container behind the server's back on purpose; the network guard would start a
    // policy-network space again (docs/NETWORK.md) and race them. The guard has tests of its own.
    s.deps.policyGuard?.stop();
    await s.sh("echo precious > /workspace/data.txt");
  });

  it("wakes a paused space on exec (warm) and keeps its data", async () => {
    await s.client.pauseSpace(name);
    const res = await s.post(`/api/spaces/${name}/exec`, { command: "cat /workspace/data.txt" });
    expect(res.headers.get("x-clawdspace-wake")).toBe("warm");
    expect(await res.json()).toMatchObject({ stdout: "precious\n", exitCode: 0, wake: "warm" });
    expect((await s.client.getSpace(name)).status).toBe("running");
  });

  it("wakes a stopped space on exec (cold) and keeps its data", async () => {
    await s.docker.getContainer(`clawdspace-${name}`).stop({ t: 1 });
    expect((await s.client.getSpace(name)).status).toBe("stopped");
    const r = await s.client.exec(name, { command: "cat /workspace/data.txt" });
    expect(r).toMatchObject({ stdout: "precious\n", wake: "cold" });
  });

  it("keeps data across a container restart", async () => {
    await s.docker.getContainer(`clawdspace-${name}`).restart({ t: 1 });
    expect(await read()).toBe("precious\n");
  });

  it("keeps the volume when destroyed without removeVolume, and a new space of that name finds it", async () => {
    await s.client.deleteSpace(name);
    expect((await s.fetch(`/api/spaces/${name}`)).status).toBe(404);
    await s.client.createSpace({ name, memory: "256m" });
    expect(await read()).toBe("precious\n");
  });

  it("starts a stopped space through the API as a cold wake", async () => {
    await s.docker.getContainer(`clawdspace-${name}`).stop({ t: 1 });
    const res = await s.fetch(`/api/spaces/${name}/start`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ wake: "cold" });
    expect(res.headers.get("x-clawdspace-wake")).toBe("cold");
  });

  it("refuses to pause a stopped space with a 409", async () => {
    await s.docker.getContainer(`clawdspace-${name}`).stop({ t: 1 });
    const res = await s.fetch(`/api/spaces/${name}/stop`, { method: "POST" });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { code: string }).code).toBe("SPACE_STATE_CONFLICT");
  });
});
