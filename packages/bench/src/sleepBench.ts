import { composeDeps, loadConfig, openDb, type CallCounter, type Engine } from "@clawdspace/api";
import type Docker from "dockerode";
import { pino } from "pino";

type Cfg = ReturnType<typeof loadConfig>;

interface TickCost {
  scenario: string;
  ticks: number;
  cpuMsPerTick: number;
  wallMsPerTick: number;
  engineCallsPerTick: Record<string, number>;
}

async function measureTicks(scenario: string, tick: () => Promise<unknown>, calls: CallCounter, ticks: number): Promise<TickCost> {
  const calls0 = calls.counts();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ticks; i++) await tick();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const calls1 = calls.counts();
  const perTick: Record<string, number> = {};
  for (const [op, n] of Object.entries(calls1)) {
    const d = n - (calls0[op] ?? 0);
    if (d) perTick[op] = Math.round((d / ticks) * 100) / 100;
  }
  return { scenario, ticks, cpuMsPerTick: (cpu.user + cpu.system) / 1000 / ticks, wallMsPerTick: wall / ticks, engineCallsPerTick: perTick };
}

/**
 * The sleep worker's cost with N spaces: steady ticks where nothing is due, the
 * one tick that puts N due spaces to sleep, and steady ticks once they all sleep.
 */
export async function benchSleepWorker(cfg: Cfg, engine: Engine, calls: CallCounter, docker: Docker, names: string[]): Promise<TickCost[]> {
  // Real time plus jumps, so CPU windows measure real elapsed time while the deadline arrives at once.
  let offset = 0;
  const clock = () => Date.now() + offset;
  const base = { ...cfg, sleep: { ...cfg.sleep, idleTimeoutMs: 600_000, hibernateAfterMs: 86_400_000, checkMs: 1000 } };
  const deps = composeDeps(base, engine, pino({ level: "silent" }), "bench-key", openDb(":memory:"), clock);
  const out: TickCost[] = [];
  await deps.worker.tick(); // first sight: rows made for every space
  out.push(await measureTicks(`${names.length} running spaces, none due`, () => deps.worker.tick(), calls, 20));

  offset += 600_000 - 500; // within a tick of the deadline: the worker opens the CPU windows
  out.push(await measureTicks(`${names.length} spaces about to be due (CPU pre-sampling)`, () => deps.worker.tick(), calls, 1));
  await new Promise((r) => setTimeout(r, 1000));
  out.push(await measureTicks(`${names.length} spaces due (CPU read, veto check, pause)`, () => deps.worker.tick(), calls, 1));
  const paused = (await docker.listContainers({ all: true, filters: { label: ["clawdspace.kind=space"], status: ["paused"] } })).filter((c) =>
    names.includes(c.Labels["clawdspace.space"] ?? ""),
  ).length;
  out.push(await measureTicks(`${names.length} spaces sleeping (${paused} paused by the due tick)`, () => deps.worker.tick(), calls, 20));
  deps.state.flush();
  return out;
}

export function printTickCosts(rows: TickCost[]): void {
  console.log("\n## sleep worker cost per tick");
  console.log("| scenario | ticks | server CPU ms/tick | wall ms/tick | engine calls per tick (cgroupRead: a host file read, not an engine call) |");
  console.log("|---|---|---|---|---|");
  for (const r of rows) {
    const calls = Object.entries(r.engineCallsPerTick).map(([k, v]) => `${k} ${v}`).join(", ");
    console.log(`| ${r.scenario} | ${r.ticks} | ${r.cpuMsPerTick.toFixed(2)} | ${r.wallMsPerTick.toFixed(1)} | ${calls} |`);
  }
}
