import { describe, expect, it } from "vitest";
import { FakeWorld } from "../support/fakes/world.js";
import { FakeTaskAgent } from "../support/fakes/fakeTaskAgent.js";
import { createSpace, expectError, makeApp } from "./helpers.js";

function setup() {
  const fake = new FakeWorld();
  const agent = new FakeTaskAgent(fake);
  const t = makeApp({ fake, taskAgent: agent });
  return { ...t, agent, tick: () => t.deps.taskParts.watcher.tick() };
}

async function startTask(t: ReturnType<typeof setup>, space: string, body: Record<string, unknown> = { command: "make test" }) {
  const res = await t.api.post(`/api/spaces/${space}/tasks`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.task as Record<string, any>;
}

describe("task routes", () => {
  it("refuses bad requests with a 400 naming the field, and a missing space with 404", async () => {
    const t = setup();
    await createSpace(t, "box");
    expectError(await t.api.post("/api/spaces/box/tasks", {}), 400, "VALIDATION_FAILED");
    const unknown = await t.api.post("/api/spaces/box/tasks", { command: "x", asRoot: true });
    expectError(unknown, 400, "VALIDATION_FAILED");
    const timeout = await t.api.post("/api/spaces/box/tasks", { command: "x", timeoutMs: -5 });
    expect(timeout.body.details.issues[0].path).toBe("timeoutMs");
    expectError(await t.api.post("/api/spaces/box/tasks", { command: "x", cwd: "relative" }), 400, "VALIDATION_FAILED");
    expectError(await t.api.post("/api/spaces/nope/tasks", { command: "x" }), 404, "SPACE_NOT_FOUND");
    expectError(await t.api.get("/api/spaces/box/tasks/../../etc"), 404, "NOT_FOUND");
    expectError(await t.api.get("/api/spaces/box/tasks/tsk_bad"), 400, "VALIDATION_FAILED");
    expectError(await t.api.get("/api/spaces/box/tasks/tsk_aaaaaaaaaaaaaaaa"), 404, "NOT_FOUND");
    expectError(await t.api.get("/api/tasks?state=sleepy"), 400, "VALIDATION_FAILED");
    expect(t.agent.tasks.size).toBe(0);
  });

  it("starts a task under the supervisor, lists it, and audits it with the command masked and env names only", async () => {
    const t = setup();
    await createSpace(t, "box");
    const task = await startTask(t, "box", { command: "deploy --token ghp_abcdefghijklmnopqrstuvwxyz0123456789", env: { API_TOKEN: "s3cret-value" }, name: "deploy" });
    expect(task).toMatchObject({ space: "box", name: "deploy", state: "running", exitCode: null, keepAwake: true, env: ["API_TOKEN"] });
    expect(JSON.stringify(task)).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    const spec = t.agent.only().spec;
    expect(spec.argv).toEqual(["bash", "-lc", "--", "deploy --token ghp_abcdefghijklmnopqrstuvwxyz0123456789"]);
    expect(spec.env).toEqual({ API_TOKEN: "s3cret-value" });
    expect((await t.api.get("/api/spaces/box/tasks")).body.tasks.map((x: any) => x.id)).toEqual([task.id]);
    expect((await t.api.get("/api/tasks?state=running")).body.tasks).toHaveLength(1);
    expect((await t.api.get("/api/tasks?state=succeeded")).body.tasks).toHaveLength(0);
    const audit = (await t.api.get("/api/audit?type=task.start")).body.events;
    expect(audit).toHaveLength(1);
    const meta = JSON.stringify(audit[0].meta);
    expect(meta).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    expect(meta).not.toContain("s3cret-value");
    expect(audit[0].meta.env).toEqual(["API_TOKEN"]);
  });

  it("learns each way a task ends from the supervisor, once, with audit and events", async () => {
    const t = setup();
    await createSpace(t, "box");
    const events: any[] = [];
    t.deps.events.onTask((e) => events.push(e));
    const ok = await startTask(t, "box");
    const bad = await startTask(t, "box");
    const slow = await startTask(t, "box", { command: "sleep 100", timeoutMs: 1000 });
    const lost = await startTask(t, "box");
    t.agent.end(ok.id, 0);
    t.agent.end(bad.id, 3);
    t.agent.end(slow.id, 143, "timeout");
    t.agent.kill(lost.id);
    await t.tick();
    await t.tick();
    const get = async (id: string) => (await t.api.get(`/api/spaces/box/tasks/${id}`)).body.task;
    expect(await get(ok.id)).toMatchObject({ state: "succeeded", exitCode: 0 });
    expect(await get(bad.id)).toMatchObject({ state: "failed", exitCode: 3 });
    expect(await get(slow.id)).toMatchObject({ state: "timed-out", exitCode: 124, reason: "timeout" });
    const l = await get(lost.id);
    expect(l.state).toBe("interrupted");
    expect(l.reason).toMatch(/supervisor is gone/);
    expect(typeof (await get(ok.id)).durationMs).toBe("number");
    const ends = (await t.api.get("/api/audit?type=task.end")).body.events;
    expect(ends).toHaveLength(4);
    expect(ends.find((e: any) => e.meta.id === bad.id).meta).toMatchObject({ exitCode: 3, state: "failed" });
    expect(events.filter((e) => e.state !== "running").map((e) => e.id).sort()).toEqual([ok.id, bad.id, slow.id, lost.id].sort());
  });

  it("cancels a running task, and refuses to cancel or keep what does not fit the task's state", async () => {
    const t = setup();
    await createSpace(t, "box");
    const task = await startTask(t, "box");
    expectError(await t.api.delete(`/api/spaces/box/tasks/${task.id}`), 409, "TASK_STATE_CONFLICT");
    const res = await t.api.post(`/api/spaces/box/tasks/${task.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.task).toMatchObject({ state: "cancelled", reason: "cancelled", exitCode: 143 });
    expectError(await t.api.post(`/api/spaces/box/tasks/${task.id}/cancel`), 409, "TASK_STATE_CONFLICT");
    expect((await t.api.delete(`/api/spaces/box/tasks/${task.id}`)).status).toBe(200);
    expect(t.agent.tasks.has(task.id)).toBe(false);
    expectError(await t.api.get(`/api/spaces/box/tasks/${task.id}`), 404, "NOT_FOUND");
  });

  it("reads logs from an offset, per stream, and follows them as NDJSON until the task ends", async () => {
    const t = setup();
    await createSpace(t, "box");
    const task = await startTask(t, "box");
    t.agent.print(task.id, "stdout", "one\n");
    t.agent.print(task.id, "stderr", "warn\n");
    t.agent.print(task.id, "stdout", "two\n");
    const page = (await t.api.get(`/api/spaces/box/tasks/${task.id}/logs`)).body;
    expect(page.lines).toEqual([
      { stream: "stdout", data: "one\n", offset: 4 },
      { stream: "stderr", data: "warn\n", offset: 9 },
      { stream: "stdout", data: "two\n", offset: 13 },
    ]);
    expect(page).toMatchObject({ offset: 0, nextOffset: 13, complete: false });
    const resumed = (await t.api.get(`/api/spaces/box/tasks/${task.id}/logs?offset=9`)).body;
    expect(resumed.lines.map((l: any) => l.data).join("")).toBe("two\n");
    const errs = (await t.api.get(`/api/spaces/box/tasks/${task.id}/logs?stream=stderr`)).body;
    expect(errs.lines.map((l: any) => l.data)).toEqual(["warn\n"]);
    expectError(await t.api.get(`/api/spaces/box/tasks/${task.id}/logs?offset=-1`), 400, "VALIDATION_FAILED");

    setTimeout(() => t.agent.print(task.id, "stdout", "three\n"), 30);
    setTimeout(() => t.agent.end(task.id, 0), 80);
    const followed = await t.api.get(`/api/spaces/box/tasks/${task.id}/logs?follow=1&offset=13`);
    expect(followed.headers["content-type"]).toMatch(/application\/x-ndjson/);
    const lines = followed.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ stream: "stdout", data: "three\n", offset: 19 });
    expect(lines.at(-1)).toMatchObject({ end: true, nextOffset: 19, task: { state: "succeeded", exitCode: 0 } });
  });

  it("holds the space awake while a keepAwake task runs, names it in the sleep answer, and lets keepAwake false sleep", async () => {
    const t = setup();
    await createSpace(t, "box");
    await createSpace(t, "lazy");
    const task = await startTask(t, "box", { command: "sleep 1000", name: "long" });
    await startTask(t, "lazy", { command: "sleep 1000", keepAwake: false });
    const sleep = (await t.api.get("/api/spaces/box/sleep")).body;
    expect(sleep.blockedBy).toContainEqual({ reason: "task", tasks: [{ id: task.id, name: "long" }] });
    const lazy = (await t.api.get("/api/spaces/lazy/sleep")).body;
    expect(lazy.blockedBy.map((b: any) => b.reason)).not.toContain("task");
    expect(lazy.tasks).toEqual([expect.objectContaining({ keepAwake: false })]);
    t.agent.end(task.id, 0);
    await t.tick();
    expect((await t.api.get("/api/spaces/box/sleep")).body.blockedBy.map((b: any) => b.reason)).not.toContain("task");
  });

  it("interrupts tasks when their space hibernates or stops, and forgets them when it is destroyed", async () => {
    const t = setup();
    await createSpace(t, "box");
    const task = await startTask(t, "box");
    t.deps.spaces.lifecycle.emitState("box", "hibernated", "idle");
    expect((await t.api.get(`/api/spaces/box/tasks/${task.id}`)).body.task).toMatchObject({ state: "interrupted", reason: "the space hibernated" });
    expect((await t.api.delete("/api/spaces/box")).status).toBe(200);
    expect((await t.api.get("/api/tasks")).body.tasks).toEqual([]);
  });

  it("refuses a cwd that is not there with a 400 on cwd and keeps no task", async () => {
    const t = setup();
    await createSpace(t, "box");
    t.agent.missingCwds.add("/workspace/nope");
    const res = await t.api.post("/api/spaces/box/tasks", { command: "ls", cwd: "/workspace/nope" });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.details.issues[0].path).toBe("cwd");
    expect((await t.api.get("/api/spaces/box/tasks")).body.tasks).toEqual([]);
  });

  it("wakes a paused space to start a task and says so", async () => {
    const t = setup();
    await createSpace(t, "box");
    await t.api.post("/api/spaces/box/stop");
    const res = await t.api.post("/api/spaces/box/tasks", { command: ["true"] });
    expect(res.status).toBe(201);
    expect(res.headers["x-clawdspace-wake"]).toBe("warm");
    expect(t.agent.only().spec.argv).toEqual(["true"]);
  });
});

describe("task events on GET /api/events", () => {
  it("streams event: task when a task starts and ends, and the client's changes() tells them from space events", async () => {
    const { createServer } = await import("node:http");
    const { ClawdspaceClient } = await import("@clawdspace/shared");
    const { createApp } = await import("../../src/app.js");
    const { KEY } = await import("./helpers.js");
    const t = setup();
    await createSpace(t, "box");
    const server = createServer(createApp(t.deps));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as import("node:net").AddressInfo).port;
    const ac = new AbortController();
    try {
      const client = new ClawdspaceClient({ baseUrl: `http://127.0.0.1:${port}`, key: KEY });
      const changes = await client.changes(ac.signal);
      const spaceOnly = await client.events(ac.signal);
      const task = await startTask(t, "box");
      t.agent.end(task.id, 2);
      await t.tick();
      const seen: Array<{ kind: string; state: string }> = [];
      for await (const c of changes) {
        // audit appends ride the same stream; this test is about state changes
        if (c.kind === "audit") continue;
        seen.push({ kind: c.kind, state: c.event.state });
        if (c.kind === "task" && c.event.state !== "running") break;
      }
      expect(seen).toEqual([
        { kind: "task", state: "running" },
        { kind: "task", state: "failed" },
      ]);
      await t.api.post("/api/spaces/box/stop");
      const first = await spaceOnly.next();
      expect(first.value).toMatchObject({ space: "box", state: "paused" });
    } finally {
      ac.abort();
      server.closeAllConnections();
      server.close();
    }
  });
});
