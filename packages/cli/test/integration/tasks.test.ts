import { describe, expect, it } from "vitest";
import { useCliServer } from "./fixture.js";
import { engineAvailable } from "./support.js";

describe.skipIf(!engineAvailable)("clawdspace task against a real server", () => {
  const f = useCliServer("ctask", { create: ["-m", "256m"] });

  it("task run follows stdout and stderr to ours and exits with the task's exit code", async () => {
    const r = await f.cli(["task", "run", f.name, "--", "echo out-line; echo err-line >&2; exit 7"]);
    expect(r.code).toBe(7);
    expect(r.stdout).toBe("out-line\n");
    expect(r.stderr).toContain("err-line\n");
  });

  it("--detach prints the id; wait exits with the code; logs, show and ls know the task; --json everywhere", async () => {
    const run = await f.cli(["task", "run", "-d", "-n", "later", f.name, "--", "sleep 1; echo done; exit 3"]);
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    expect(id).toMatch(/^tsk_[a-z0-9]{16}$/);
    const wait = await f.cli(["task", "wait", f.name, id]);
    expect(wait.code).toBe(3);
    expect((await f.cli(["task", "logs", f.name, id])).stdout).toBe("done\n");
    const show = JSON.parse((await f.cli(["task", "show", "--json", f.name, id])).stdout);
    expect(show).toMatchObject({ id, name: "later", state: "failed", exitCode: 3 });
    const ls = await f.cli(["task", "ls", f.name]);
    expect(ls.stdout).toContain(id);
    expect(ls.stdout).toMatch(/failed/);
    const all = JSON.parse((await f.cli(["task", "ls", "--json"])).stdout);
    expect(all.tasks.map((t: { id: string }) => t.id)).toContain(id);
  });

  it("cancel ends a running task and a timeout exits 124", async () => {
    const id = (await f.cli(["task", "run", "-d", f.name, "--", "sleep 300"])).stdout.trim();
    const cancel = await f.cli(["task", "cancel", f.name, id]);
    expect(cancel.code).toBe(0);
    const wait = await f.cli(["task", "wait", "--json", f.name, id]);
    expect(JSON.parse(wait.stdout).state).toBe("cancelled");
    const timed = await f.cli(["task", "run", "-T", "1s", f.name, "--", "sleep 30"]);
    expect(timed.code).toBe(124);
    expect(timed.stderr).toMatch(/timeout/);
  });

  it("a task that is not there is exit code 66", async () => {
    const r = await f.cli(["task", "wait", f.name, "tsk_aaaaaaaaaaaaaaaa"]);
    expect(r.code).toBe(66);
    expect(r.stderr).toMatch(/NOT_FOUND/);
  });
});
