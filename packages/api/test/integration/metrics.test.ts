import { describe, expect, it } from "vitest";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable } from "./support.js";

/** Parses the Prometheus text format into name{labels} -> value. */
function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    expect(m, `not a sample line: ${line}`).not.toBeNull();
    out.set(m![1]!, Number(m![2]));
  }
  return out;
}

describe.skipIf(!engineAvailable)("stats, observability and metrics on the real engine", () => {
  const s = useServerWithSpace("metrics");
  const { name } = s;

  it("stats carry plausible numbers, CPU from the read's own two samples", async () => {
    await s.client.exec(name, { command: "nohup sh -c 'while :; do :; done' >/dev/null 2>&1 &" });
    const st = await s.client.stats(name);
    expect(st.memoryLimitBytes).toBe(256 * 1024 * 1024);
    expect(st.memoryUsageBytes).toBeGreaterThan(0);
    expect(st.memoryUsageBytes).toBeLessThan(st.memoryLimitBytes);
    expect(st.pids).toBeGreaterThanOrEqual(2);
    // a busy loop in a 1-cpu space: well above idle, at most one core (plus rounding)
    expect(st.cpuPercent).toBeGreaterThan(20);
    expect(st.cpuPercent).toBeLessThanOrEqual(105);
  });

  it("GET /api/stats reads every space from one list and the host's cgroup files: the loop's CPU, the limit, no stats call", async () => {
    await s.client.allStats();
    await new Promise((r) => setTimeout(r, 1500));
    const before = s.calls.counts();
    const all = await s.client.allStats();
    const after = s.calls.counts();
    const mine = all.stats.find((x) => x.name === name)!;
    expect(mine).toBeDefined();
    expect(mine.state).toBe("running");
    expect(mine.memoryLimitBytes).toBe(256 * 1024 * 1024);
    expect(mine.memoryUsageBytes).toBeGreaterThan(0);
    expect(mine.pids).toBeGreaterThanOrEqual(2);
    expect(mine.cpuPercent!).toBeGreaterThan(20);
    expect(mine.cpuPercent!).toBeLessThanOrEqual(105);
    const delta = (op: string) => (after[op] ?? 0) - (before[op] ?? 0);
    expect(delta("list")).toBe(1);
    expect(delta("stats") + delta("usage") + delta("cpuUsage") + delta("inspect")).toBe(0);
    expect(delta("cgroupRead")).toBe(all.stats.length);
  });

  it("observability lists the busy process first and the workspace's disk use, without audit or activity", async () => {
    await s.client.exec(name, { command: "head -c 5000000 /dev/zero > /workspace/five-mb" });
    const before = s.deps.audit.count();
    const lastActivity = s.deps.activity.lastActivity(name);
    const o = await s.client.observability(name);
    expect(o.state).toBe("running");
    expect(o.processes[0]!.command).toMatch(/while :/);
    expect(o.processes[0]!.cpuPercent).toBeGreaterThan(10);
    expect(o.disk!.workspaceBytes).toBeGreaterThanOrEqual(5_000_000);
    const again = await s.client.observability(name);
    expect(again.disk!.cached).toBe(true);
    expect(s.deps.audit.count()).toBe(before);
    expect(s.deps.activity.lastActivity(name)).toEqual(lastActivity);
    await s.client.exec(name, { command: "pkill -f 'while :' || true" });
    await s.client.pauseSpace(name);
    const asleep = await s.client.observability(name);
    expect(asleep.state).toBe("asleep");
    expect((await s.client.getSpace(name)).status).toBe("paused");
    await s.client.startSpace(name);
  });

  it("/metrics parses and counts spaces, routes, engine calls, sleeps and wakes", async () => {
    expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
    const res = await s.fetch("/metrics");
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const m = parseProm(await res.text());
    expect(m.get('clawdspace_spaces{state="running"}')).toBe(1);
    expect(m.get('clawdspace_http_request_duration_seconds_count{method="POST",route="/api/spaces/:name/exec",status="200"}')).toBeGreaterThanOrEqual(3);
    expect(m.get('clawdspace_docker_call_duration_seconds_count{op="exec"}')).toBeGreaterThan(0);
    expect(m.get('clawdspace_docker_call_duration_seconds_sum{op="stats"}')).toBeGreaterThan(0);
    expect(m.get('clawdspace_sleeps_total{kind="pause",reason="user"}')).toBe(1);
    expect(m.get('clawdspace_wakes_total{tier="warm",cause="start"}')).toBe(1);
    expect([...m.keys()].some((k) => k.includes(name))).toBe(false);
  });

  it("system has real disk figures", async () => {
    const sys = await s.client.system();
    expect(sys.bytes.disk!.total).toBeGreaterThan(sys.bytes.disk!.available);
    expect(sys.disk!.percentage).toMatch(/^\d+\.\d%$/);
  });
});
