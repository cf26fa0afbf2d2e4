import { describe, expect, it } from "vitest";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable } from "./support.js";
import { collect, processes, waitEnded } from "./taskHelpers.js";

describe.skipIf(!engineAvailable)("background tasks in a real space", () => {
  const s = useServerWithSpace("task", { env: { TASK_POLL_MS: "500", TASK_GRACE_MS: "2000" } });

  it("answers 201 once the process runs; the supervisor is not the exec's child, and the task outlives a client that goes away", async () => {
    const task = await s.client.tasks.start(s.name, { command: "for i in $(seq 1 6); do echo line-$i; sleep 0.5; done; exit 3", name: "counter" });
    expect(task).toMatchObject({ state: "running", name: "counter" });
    const ps = (await processes(s.client, s.name)).join("\n");
    expect(ps).toMatch(/clawdspace-agent task-run/);
    // Stop following after the first line, as a closed laptop would.
    const first = await collect(s.client, s.name, task.id, { stop: (t) => t.includes("line-1") });
    expect(first.text).toContain("line-1");
    const ended = await waitEnded(s.client, s.name, task.id);
    expect(ended).toMatchObject({ state: "failed", exitCode: 3 });
    expect(ended.durationMs).toBeGreaterThanOrEqual(2500);
    expect(ended.stdoutBytes).toBe("line-1\n".length * 6);
    const page = await s.client.tasks.logs(s.name, task.id);
    expect(page.lines.map((l) => l.data).join("")).toBe([1, 2, 3, 4, 5, 6].map((i) => `line-${i}\n`).join(""));
    expect(page.complete).toBe(true);
  });

  it("follows live and resumes from an offset with neither gap nor duplicate, stdout and stderr tagged", async () => {
    const task = await s.client.tasks.start(s.name, { command: "for i in $(seq 1 20); do echo out-$i; echo err-$i >&2; sleep 0.1; done" });
    const part = await collect(s.client, s.name, task.id, { stop: (t) => t.includes("out-5\n") });
    const rest = await collect(s.client, s.name, task.id, { offset: part.offset });
    expect(rest.end?.task.state).toBe("succeeded");
    const all = part.text + rest.text;
    const expected = Array.from({ length: 20 }, (_, i) => `out-${i + 1}\nerr-${i + 1}\n`).join("");
    expect(all.split("\n").sort()).toEqual(expected.split("\n").sort());
    expect(all.length).toBe(expected.length);
    const errs = await s.client.tasks.logs(s.name, task.id, { stream: "stderr" });
    expect(errs.lines.every((l) => l.stream === "stderr")).toBe(true);
    expect(errs.lines.map((l) => l.data).join("")).toBe(Array.from({ length: 20 }, (_, i) => `err-${i + 1}\n`).join(""));
  });

  it("cancel ends the whole tree, background and setsid children included", async () => {
    const task = await s.client.tasks.start(s.name, { command: "sleep 301 & setsid sleep 302 & sleep 303; wait" });
    await new Promise((r) => setTimeout(r, 500));
    expect((await processes(s.client, s.name)).join("\n")).toMatch(/sleep 30[123]/);
    const cancelled = await s.client.tasks.cancel(s.name, task.id);
    const ended = cancelled.state === "running" ? await waitEnded(s.client, s.name, task.id) : cancelled;
    expect(ended.state).toBe("cancelled");
    expect((await processes(s.client, s.name)).join("\n")).not.toMatch(/sleep 30[123]|task-run/);
    const res = await s.fetch(`/api/spaces/${s.name}/tasks/${task.id}/cancel`, { method: "POST" });
    expect(res.status).toBe(409);
  });

  it("reports a missing program as 127, a timeout as timed-out 124, and a missing cwd as a 400", async () => {
    const missing = await s.client.tasks.start(s.name, { command: ["no-such-program-here"] });
    expect(await waitEnded(s.client, s.name, missing.id)).toMatchObject({ state: "failed", exitCode: 127 });
    const slow = await s.client.tasks.start(s.name, { command: "sleep 30", timeoutMs: 1000 });
    expect(await waitEnded(s.client, s.name, slow.id)).toMatchObject({ state: "timed-out", exitCode: 124 });
    const res = await s.post(`/api/spaces/${s.name}/tasks`, { command: "true", cwd: "/workspace/not-here" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: { issues: Array<{ path: string }> } }).details.issues[0]!.path).toBe("cwd");
  });

  it("runs as the space's user in /workspace with the env it was given, and masks the command in the audit log", async () => {
    const secret = `ghp_${Math.random().toString(36).slice(2).padEnd(36, "x")}`;
    const task = await s.client.tasks.start(s.name, { command: `id -u; pwd; echo "$GREETING"; : --token ${secret}`, env: { GREETING: "hello" } });
    await waitEnded(s.client, s.name, task.id);
    const out = (await s.client.tasks.logs(s.name, task.id)).lines.map((l) => l.data).join("");
    expect(out).toBe("1001\n/workspace\nhello\n");
    const audit = await s.client.audit({ space: s.name, type: "task.start" });
    const text = JSON.stringify(audit);
    expect(text).toContain(task.id);
    expect(text).not.toContain(secret);
    expect(JSON.stringify(await s.client.tasks.get(s.name, task.id))).not.toContain(secret);
    const ends = await s.client.audit({ space: s.name, type: "task.end" });
    expect(ends.events.find((e) => (e.meta as { id?: string }).id === task.id)?.meta).toMatchObject({ exitCode: 0, state: "succeeded" });
  });

  it("a container restart under a running task ends it as interrupted; DELETE then forgets it and its files", async () => {
    const task = await s.client.tasks.start(s.name, { command: "sleep 600" });
    await s.docker.getContainer(`clawdspace-${s.name}`).restart({ t: 1 });
    const ended = await waitEnded(s.client, s.name, task.id, 30_000);
    expect(ended.state).toBe("interrupted");
    expect(ended.reason).toMatch(/restart|supervisor/);
    expect((await s.fetch(`/api/spaces/${s.name}/tasks/${task.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await s.fetch(`/api/spaces/${s.name}/tasks/${task.id}`)).status).toBe(404);
    expect(await s.sh(`test -e /workspace/.clawdspace/tasks/${task.id} && echo left || echo gone`)).toBe("gone\n");
  });

  it("a person's pause freezes a task and it goes on after the resume", async () => {
    const task = await s.client.tasks.start(s.name, { command: "for i in $(seq 1 8); do echo tick-$i; sleep 0.5; done" });
    await new Promise((r) => setTimeout(r, 700));
    await s.client.pauseSpace(s.name);
    const before = (await s.client.tasks.get(s.name, task.id)).state;
    await new Promise((r) => setTimeout(r, 3000));
    expect((await s.client.getSpace(s.name)).status).toBe("paused");
    await s.client.startSpace(s.name);
    const ended = await waitEnded(s.client, s.name, task.id);
    expect(before).toBe("running");
    expect(ended).toMatchObject({ state: "succeeded", exitCode: 0 });
    const out = (await s.client.tasks.logs(s.name, task.id)).lines.map((l) => l.data).join("");
    expect(out.trim().split("\n")).toHaveLength(8);
  });

  it("50 tasks over 10 spaces at once all run and end with their own codes", async () => {
    const names = Array.from({ length: 10 }, (_, i) => s.spaceName(`many${i}`));
    await Promise.all(names.map((name) => s.client.createSpace({ name, memory: "128m" })));
    const started = await Promise.all(
      names.flatMap((name, i) => Array.from({ length: 5 }, (_, j) => s.client.tasks.start(name, { command: `sleep 2; echo ${i}-${j}; exit ${(i + j) % 4}` }).then((t) => ({ name, t, code: (i + j) % 4, out: `${i}-${j}\n` })))),
    );
    expect(started).toHaveLength(50);
    expect((await s.client.tasks.list(undefined, "running")).length).toBeGreaterThanOrEqual(1);
    for (const { name, t, code, out } of started) {
      const ended = await waitEnded(s.client, name, t.id, 90_000);
      expect(ended.exitCode).toBe(code);
      expect((await s.client.tasks.logs(name, t.id)).lines.map((l) => l.data).join("")).toBe(out);
    }
  });
});
