import { spawn } from "node:child_process";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT, agent, cleanupTemps, descendants, logOf, payloadOf, procStat, requireBinary, sleep, startTask,
  status, tempRoot, vmRssKiB, waitExited,
} from "./helpers.js";

beforeAll(requireBinary);
afterAll(cleanupTemps);

describe("task-run", () => {
  it("prints one start line and writes a running status.json", () => {
    const dir = join(tempRoot(), "a", "b", "t1");
    const before = Date.now();
    const r = agent("task-run", "--dir", dir, "--", "sleep", "2");
    expect(r.code).toBe(0);
    const text = r.stdout.toString();
    expect(text.endsWith("\n")).toBe(true);
    expect(text.trim().split("\n")).toHaveLength(1);
    const start = JSON.parse(text);
    expect(Object.keys(start)).toEqual(["ok", "supervisorPid", "pid", "pgid", "startedAt"]);
    expect(start.ok).toBe(true);
    expect(start.pgid).toBe(start.pid);
    expect(start.supervisorPid).not.toBe(start.pid);
    expect(start.startedAt).toBeGreaterThanOrEqual(before - 5);
    expect(start.startedAt).toBeLessThanOrEqual(Date.now());
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const s = status(dir);
    expect(s).toMatchObject({ id: "t1", version: 1, state: "running", pid: start.pid, pgid: start.pid, alive: true });
    expect(s.supervisorStart).toBe(procStat(start.supervisorPid)!.start);
    expect(s.initStart).toBe(procStat(1)!.start);
    expect(procStat(start.pid)!.pgrp).toBe(start.pid);
    expect(procStat(start.supervisorPid)!.session).toBe(start.supervisorPid);
  });

  it("returns at once while the task runs on, under a supervisor that is not the exec's child", async () => {
    const dir = join(tempRoot(), "t");
    const t0 = Date.now();
    const child = spawn(AGENT, ["task-run", "--dir", dir, "--", "sleep", "3"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    // "close" waits for stdout to end too: a supervisor holding it open would keep us here.
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1000);
    const start = JSON.parse(out);
    const sup = procStat(start.supervisorPid)!;
    expect(sup).toBeDefined();
    expect(sup.ppid).not.toBe(child.pid);
    expect(procStat(start.pid)!.ppid).toBe(start.supervisorPid);
    expect(status(dir).state).toBe("running");
  });

  it.each([
    ["exit 0", ["sh", "-c", "exit 0"], 0, null],
    ["exit 3", ["sh", "-c", "exit 3"], 3, null],
    ["killed by SIGKILL", ["sh", "-c", "kill -KILL $$"], 137, "SIGKILL"],
    ["killed by SIGTERM", ["sh", "-c", "kill -TERM $$"], 143, "SIGTERM"],
  ])("records the exit code: %s", async (_name, argv, exitCode, signal) => {
    const dir = join(tempRoot(), "t");
    startTask(dir, argv);
    const s = await waitExited(dir);
    expect(s).toMatchObject({ state: "exited", exitCode, signal, reason: null, alive: false });
    expect(s.endedAt as number).toBeGreaterThanOrEqual(s.startedAt as number);
  });

  it("exits 127 with a message when the program is missing, 126 when it cannot be executed", async () => {
    const root = tempRoot();
    startTask(join(root, "missing"), ["no-such-program-xyz"]);
    const s = await waitExited(join(root, "missing"));
    expect(s.exitCode).toBe(127);
    const recs = logOf(join(root, "missing"));
    expect(payloadOf(recs, "e").toString()).toBe("clawdspace-agent: no-such-program-xyz: No such file or directory\n");

    const script = join(root, "noexec.sh");
    writeFileSync(script, "#!/bin/sh\necho hi\n", { mode: 0o644 });
    startTask(join(root, "noexec"), [script]);
    expect((await waitExited(join(root, "noexec"))).exitCode).toBe(126);
  });

  it("refuses a missing or non-directory cwd before forking", () => {
    const root = tempRoot();
    const r = agent("task-run", "--dir", join(root, "t"), "--cwd", join(root, "nope"), "--", "true");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout.toString())).toEqual({
      ok: false,
      code: "cwd",
      error: `${join(root, "nope")}: No such file or directory`,
    });
    expect(existsSync(join(root, "t", "status.json"))).toBe(false);
    writeFileSync(join(root, "file"), "x");
    const f = JSON.parse(agent("task-run", "--dir", join(root, "t"), "--cwd", join(root, "file"), "--", "true").stdout.toString());
    expect(f).toMatchObject({ ok: false, code: "cwd", error: `${join(root, "file")}: Not a directory` });
  });

  it("runs in --cwd with the environment inherited and stdin at /dev/null", async () => {
    const root = tempRoot();
    const dir = join(root, "t");
    const r = spawn(AGENT, ["task-run", "--dir", dir, "--cwd", root, "--", "sh", "-c", 'pwd; echo "$AGENT_TEST_VAR"; cat; echo end'], {
      env: { ...process.env, AGENT_TEST_VAR: "from-the-caller" },
    });
    await new Promise((resolve) => r.on("close", resolve));
    await waitExited(dir);
    expect(payloadOf(logOf(dir)).toString()).toBe(`${root}\nfrom-the-caller\nend\n`);
  });

  it("refuses a directory that already holds a task, and usage errors exit 2", async () => {
    const dir = join(tempRoot(), "t");
    startTask(dir, ["true"]);
    const again = agent("task-run", "--dir", dir, "--", "true");
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout.toString())).toMatchObject({ ok: false, code: "exists" });
    expect(agent("task-run", "--dir", dir).code).toBe(2);
    expect(agent("task-run", "--", "true").code).toBe(2);
    expect(agent("task-run", "--dir", dir, "--grace-ms", "-1", "--", "true").code).toBe(2);
    expect(agent("nonsense").code).toBe(2);
    expect(agent("--version").stdout.toString()).toMatch(/^clawdspace-agent \d+\.\d+\.\d+\n$/);
  });
});

describe("supervisor footprint", () => {
  it("stays under 1 MiB RSS and uses no CPU while idle", async () => {
    const dir = join(tempRoot(), "t");
    const start = startTask(dir, ["sh", "-c", "echo started; sleep 4"]);
    await sleep(1300);
    const before = procStat(start.supervisorPid)!;
    const rss = vmRssKiB(start.supervisorPid);
    console.log(`supervisor VmRSS ${rss} kB`);
    expect(rss).toBeLessThan(1024);
    await sleep(1000);
    const after = procStat(start.supervisorPid)!;
    // Clock ticks (usually 10 ms): a busy loop would burn ~100 in a second.
    expect(after.utime + after.stime - before.utime - before.stime).toBeLessThanOrEqual(1);
    expect(descendants(start.supervisorPid).map((p) => p.pid)).toContain(start.pid);
  });

});
