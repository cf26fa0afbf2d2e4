import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agent, agentAsync, cleanupTemps, descendants, json, parseRecords, procStat, requireBinary, startTask, status, stillRunning,
  tempRoot, waitExited, waitFor,
} from "./helpers.js";

beforeAll(requireBinary);
afterAll(cleanupTemps);

const leftovers: number[] = [];
afterAll(() => {
  for (const pid of leftovers) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
});

describe("timeout", () => {
  it("terminates the task at timeout-ms: exit code 124, reason timeout", async () => {
    const dir = join(tempRoot(), "t");
    const t0 = Date.now();
    startTask(dir, ["sleep", "30"], ["--timeout-ms", "300"]);
    const s = await waitExited(dir, 5000);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(s).toMatchObject({ state: "exited", exitCode: 124, reason: "timeout", signal: "SIGTERM" });
    expect((s.endedAt as number) - (s.startedAt as number)).toBeGreaterThanOrEqual(290);
  });

  it("kills after the grace period what ignores SIGTERM, still 124", async () => {
    const dir = join(tempRoot(), "t");
    startTask(dir, ["sh", "-c", "trap '' TERM; echo armed; while :; do sleep 0.05; done"], ["--timeout-ms", "200", "--grace-ms", "400"]);
    const s = await waitExited(dir, 5000);
    expect(s).toMatchObject({ exitCode: 124, reason: "timeout", signal: "SIGKILL" });
    expect((s.endedAt as number) - (s.startedAt as number)).toBeGreaterThanOrEqual(590);
  });
});

describe("task-cancel", () => {
  it("kills a whole tree, an orphaned setsid grandchild included", async () => {
    const dir = join(tempRoot(), "t");
    const start = startTask(dir, ["sh", "-c", "(setsid sleep 300 &); sleep 300 & sleep 300"]);
    leftovers.push(start.pid);
    const tree = await waitFor(() => {
      const d = descendants(start.supervisorPid).filter((p) => p.state !== "Z");
      return d.length >= 3 && d.some((p) => p.session !== start.supervisorPid) ? d : undefined;
    }, 5000, "the tree");
    const escaped = tree.find((p) => p.session !== start.supervisorPid)!;
    // Reparented to the supervisor (subreaper) and in a session of its own: not reachable via the group.
    expect(escaped.ppid).toBe(start.supervisorPid);
    expect(escaped.pgrp).not.toBe(start.pgid);

    const r = agent("task-cancel", "--dir", dir, "--wait-ms", "5000");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toEqual({ ok: true, signalled: true, state: "exited" });
    const s = status(dir);
    expect(s).toMatchObject({ state: "exited", reason: "cancelled", exitCode: 143, signal: "SIGTERM", alive: false });
    for (const p of tree) expect(stillRunning(p), `pid ${p.pid} survived`).toBe(false);
    await waitFor(() => !procStat(start.supervisorPid) || procStat(start.supervisorPid)!.state === "Z", 2000, "supervisor exit");

    const again = JSON.parse(agent("task-cancel", "--dir", dir).stdout.toString());
    expect(again).toEqual({ ok: true, signalled: false });
  });

  it("kills background children that outlive the main process", async () => {
    const dir = join(tempRoot(), "t");
    const start = startTask(dir, ["sh", "-c", "sleep 300 & echo started"]);
    leftovers.push(start.pid);
    const s = await waitExited(dir, 3000);
    expect(s.exitCode).toBe(0);
    expect(descendants(start.supervisorPid).filter((p) => p.state !== "Z")).toHaveLength(0);
  });

  it("reports a task whose supervisor died as not alive, and ends a follower with x", async () => {
    const dir = join(tempRoot(), "t");
    const start = startTask(dir, ["sleep", "300"]);
    leftovers.push(start.pid);
    const f = agentAsync("task-log", "--dir", dir, "--follow", "--wait-ms", "10000");
    await waitFor(() => f.output().length > 0, 3000, "the h record");
    process.kill(start.supervisorPid, "SIGKILL");
    expect(await f.done).toBe(0);
    const recs = parseRecords(f.output());
    expect(recs.map((r) => r.tag)).toEqual(["h", "x"]);
    expect(json(recs[1]!)).toMatchObject({ id: "t", state: "running", alive: false });
    expect(status(dir)).toMatchObject({ state: "running", alive: false });
    const c = JSON.parse(agent("task-cancel", "--dir", dir, "--wait-ms", "2000").stdout.toString());
    expect(c).toEqual({ ok: true, signalled: false, state: "running" });
    process.kill(-start.pid, "SIGKILL");
  });
});
