import { describe, expect, it } from "vitest";
import { useTestServer } from "./fixture.js";
import { engineAvailable } from "./support.js";

describe.skipIf(!engineAvailable)("space lifecycle on the real engine", () => {
  const s = useTestServer();

  it("creates, lists, execs, pauses, resumes and destroys a space", async () => {
    const name = s.spaceName("life");
    const created = await s.post("/api/spaces", { name, memory: "256m", cpus: 0.5 });
    expect(created.status).toBe(201);
    const { space } = (await created.json()) as { space: Record<string, unknown> };
    expect(space).toMatchObject({ name, status: "running", state: "running", memory: 256 * 1024 ** 2, cpus: 0.5 });
    expect(space.id).toMatch(/^[0-9a-f]{12}$/);
    expect((space.volume as { name: string }).name).toBe(`clawdspace-vol-${name}`);

    const listed = await s.client.listSpaces();
    expect(listed.find((x) => x.name === name)).toMatchObject({ status: "running", memory: 256 * 1024 ** 2, cpus: 0.5 });

    const got = await s.client.getSpace(name);
    expect(got.started).not.toBeNull();
    expect(Date.parse(got.created)).toBeGreaterThan(Date.now() - 120_000);

    expect((await s.client.exec(name, { command: "echo hello" })).stdout).toBe("hello\n");

    expect((await s.fetch(`/api/spaces/${name}/stop`, { method: "POST" })).status).toBe(200);
    expect((await s.client.getSpace(name)).status).toBe("paused");
    // pausing a paused space is idempotent
    expect((await s.fetch(`/api/spaces/${name}/stop`, { method: "POST" })).status).toBe(200);

    const resumed = await s.fetch(`/api/spaces/${name}/start`, { method: "POST" });
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get("x-clawdspace-wake")).toBe("warm");
    expect((await s.client.getSpace(name)).status).toBe("running");

    const stats = await s.client.stats(name);
    expect(stats.memoryLimitBytes).toBe(256 * 1024 ** 2);
    expect(stats.pids).toBeGreaterThan(0);

    const del = await s.removeSpace(name);
    expect(del.status).toBe(200);
    expect((await s.fetch(`/api/spaces/${name}`)).status).toBe(404);
    const vols = await s.docker.listVolumes({ filters: { name: [`clawdspace-vol-${name}`] } });
    expect(vols.Volumes ?? []).toHaveLength(0);
  });

  it("answers 404 for a missing space on every space route", async () => {
    const name = s.spaceName("ghost");
    const routes: Array<[string, string]> = [
      ["GET", `/api/spaces/${name}`],
      ["DELETE", `/api/spaces/${name}`],
      ["POST", `/api/spaces/${name}/stop`],
      ["POST", `/api/spaces/${name}/start`],
      ["POST", `/api/spaces/${name}/exec`],
      ["GET", `/api/spaces/${name}/stats`],
    ];
    for (const [method, path] of routes) {
      const res = await s.fetch(path, {
        method,
        headers: { "content-type": "application/json" },
        body: method === "POST" ? JSON.stringify({ command: "true" }) : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe("SPACE_NOT_FOUND");
    }
  });

  it("refuses an image that is not on the node with a 400, leaving nothing behind", async () => {
    const name = s.spaceName("noimg");
    const res = await s.post("/api/spaces", { name, image: "clawdspace-test/does-not-exist:never" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("IMAGE_NOT_FOUND");
    const vols = await s.docker.listVolumes({ filters: { name: [`clawdspace-vol-${name}`] } });
    expect(vols.Volumes ?? []).toHaveLength(0);
  });

  it("refuses a GPU space on a node without a GPU with a 400, leaving nothing behind", async () => {
    const caps = await s.client.capabilities();
    if (caps.gpu) return; // this node has one: nothing to refuse
    const name = s.spaceName("gpu");
    const res = await s.post("/api/spaces", { name, gpu: true, memory: "128m" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/GPU/);
    expect(await s.docker.listContainers({ all: true, filters: { name: [`clawdspace-${name}`] } })).toHaveLength(0);
    const vols = await s.docker.listVolumes({ filters: { name: [`clawdspace-vol-${name}`] } });
    expect(vols.Volumes ?? []).toHaveLength(0);
  });

  it("gives exactly one 201 for 20 concurrent creates of one name", async () => {
    const name = s.spaceName("race");
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        s.post("/api/spaces", { name }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((x) => x === 201)).toHaveLength(1);
    expect(statuses.filter((x) => x === 409)).toHaveLength(19);
    const containers = await s.docker.listContainers({ all: true, filters: { name: [`clawdspace-${name}`] } });
    expect(containers).toHaveLength(1);
    await s.client.deleteSpace(name, { removeVolume: true });
  });

  it("lists 3 spaces with a single engine call", async () => {
    const names = [s.spaceName("l1"), s.spaceName("l2"), s.spaceName("l3")];
    await Promise.all(names.map((name) => s.client.createSpace({ name, memory: "128m" })));
    // The network guard's sweep is the server's own background work, not the list's: let the one in
    // flight finish (it pins new spaces' restart policy), and hold the next until the list is counted.
    const guard = s.deps.policyGuard;
    guard?.stop();
    await guard?.sweep();
    const before = s.calls.counts();
    const spaces = await s.client.listSpaces().finally(() => guard?.start(2_000));
    const after = s.calls.counts();
    expect(spaces.filter((x) => names.includes(x.name))).toHaveLength(3);
    const delta = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
    expect(delta).toEqual({ list: 1 });
    await Promise.all(names.map((name) => s.client.deleteSpace(name, { removeVolume: true })));
  });
});
