import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { checkVeto, composeDeps, createApp, openDb, type CallCounter, type Engine, type ExecPort, type loadConfig } from "@clawdspace/api";
import type Docker from "dockerode";
import { pino } from "pino";
import { benchFiles, printThroughput } from "./filesBench.js";
import { benchSleepWorker } from "./sleepBench.js";
import { rawTrueExec } from "./rawExec.js";
import { printTable, summarize, timed, type Row } from "./stats.js";

type Cfg = ReturnType<typeof loadConfig>;
type Api = (method: string, path: string, body?: unknown, base?: string) => Promise<unknown>;

export interface SpaceAgentBenchInput {
  cfg: Cfg;
  engine: Engine;
  calls: CallCounter;
  docker: Docker;
  api: Api;
  /** The bench's server, with the agents composed in. */
  base: string;
  key: string;
  prefix: string;
  spaces: number;
  iterations: number;
  fileIterations: number;
  /** The bench server's exec role through the agents (its composition's). */
  agentExec: ExecPort;
}

/** A second server on the same engine with the agents switched off: the docker-exec path, side by side. */
async function fallbackServer(i: SpaceAgentBenchInput) {
  const deps = composeDeps({ ...i.cfg, spaceAgent: { ...i.cfg.spaceAgent, enabled: false } }, i.engine, pino({ level: "silent" }), i.key, openDb(":memory:"));
  const server = createServer(createApp(deps));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function execSeries(i: SpaceAgentBenchInput, name: string, fallbackBase: string) {
  const raw = rawTrueExec(i.docker.getContainer(`clawdspace-${name}`));
  const viaAgent = () => i.api("POST", `/api/spaces/${name}/exec`, { command: ["true"] });
  const viaDocker = () => i.api("POST", `/api/spaces/${name}/exec`, { command: ["true"] }, fallbackBase);
  for (let k = 0; k < 5; k++) await Promise.all([raw(), viaAgent(), viaDocker()]);
  const s = { agent: [] as number[], docker: [] as number[], raw: [] as number[] };
  for (let n = 0; n < i.iterations; n++) {
    const steps = [async () => s.agent.push(await timed(viaAgent)), async () => s.docker.push(await timed(viaDocker)), async () => s.raw.push(await timed(raw))];
    for (let k = 0; k < steps.length; k++) await steps[(k + n) % steps.length]!();
  }
  return { agent: summarize(s.agent), docker: summarize(s.docker), raw: summarize(s.raw) };
}

/** The agent's own RSS in each space, read by a process the agent started (its parent). */
async function agentRss(i: SpaceAgentBenchInput, names: string[]): Promise<number[]> {
  const out: number[] = [];
  for (const name of names) {
    const r = (await i.api("POST", `/api/spaces/${name}/exec`, { command: ["sh", "-c", "grep VmRSS /proc/$PPID/status; cat /proc/$PPID/comm"] })) as { stdout: string };
    const m = /VmRSS:\s+(\d+)/.exec(r.stdout);
    if (m && r.stdout.includes("clawdspace-agen")) out.push(Number(m[1]));
  }
  return out;
}

async function createSpaces(i: SpaceAgentBenchInput, names: string[]): Promise<void> {
  for (let k = 0; k < names.length; k += 8) {
    await Promise.all(names.slice(k, k + 8).map((name) => i.api("POST", "/api/spaces", { name, memory: "128m" })));
  }
}

/** The veto probe alone over every space, 8 at a time as the worker runs them: wall ms through each path. */
async function vetoProbes(i: SpaceAgentBenchInput, names: string[]) {
  const wall = async (exec: ExecPort) => {
    const t = await timed(async () => {
      for (let k = 0; k < names.length; k += 8) await Promise.all(names.slice(k, k + 8).map((n) => checkVeto(exec, n)));
    });
    return t;
  };
  await wall(i.agentExec);
  return { agent: await wall(i.agentExec), docker: await wall(i.engine.exec) };
}

/** The sleep worker's due tick (CPU read, veto probe, pause) over the spaces, with and without the agents. */
async function dueTicks(i: SpaceAgentBenchInput, names: string[]) {
  const result: Record<string, number> = {};
  for (const [label, enabled] of [["agent", true], ["docker exec", false]] as const) {
    const rows = await benchSleepWorker({ ...i.cfg, spaceAgent: { ...i.cfg.spaceAgent, enabled } }, i.engine, i.calls, i.docker, names);
    result[label] = rows.find((r) => r.scenario.includes("due (CPU read"))!.wallMsPerTick;
    for (let k = 0; k < names.length; k += 8) {
      await Promise.all(names.slice(k, k + 8).map((n) => i.docker.getContainer(`clawdspace-${n}`).unpause().catch(() => undefined)));
    }
  }
  return result;
}

export async function benchSpaceAgent(i: SpaceAgentBenchInput): Promise<void> {
  const fallback = await fallbackServer(i);
  try {
    const names = Array.from({ length: i.spaces }, (_, k) => `${i.prefix}-sa${k}`);
    await createSpaces(i, names.slice(0, 1));
    const one = await execSeries(i, names[0]!, fallback.base);
    await createSpaces(i, names.slice(1));
    const many = await execSeries(i, names[0]!, fallback.base);
    const row = (c: string, ours: Row["ours"], base: Row["baseline"], baselineName: string, extra = ""): Row => ({ case: c, ours, baseline: base, baselineName, extra });
    printTable("space agent: exec [\"true\"] through the API", [
      row("via agent, 1 space", one.agent, one.raw, "dockerode exec", `${(one.raw.median / one.agent.median).toFixed(1)}x faster than raw`),
      row("via agent, 1 space", one.agent, one.docker, "API via docker exec"),
      row(`via agent, ${names.length} spaces`, many.agent, many.raw, "dockerode exec", `${(many.raw.median / many.agent.median).toFixed(1)}x faster than raw`),
      row(`via agent, ${names.length} spaces`, many.agent, one.agent, "via agent, 1 space"),
      row("API via docker exec, 1 space", one.docker, one.raw, "dockerode exec"),
    ]);
    const rss = (await agentRss(i, names)).sort((a, b) => a - b);
    console.log(`\n## space agent RSS (idle, ${rss.length} spaces)\n| median KiB | max KiB | total MiB |\n|---|---|---|\n| ${rss[Math.floor(rss.length / 2)]} | ${rss.at(-1)} | ${(rss.reduce((a, b) => a + b, 0) / 1024).toFixed(1)} |`);
    const probes = await vetoProbes(i, names);
    console.log(`\n## veto probe of ${names.length} due spaces (8 at a time, as the worker)\n| via agent ms | via docker exec ms |\n|---|---|\n| ${probes.agent.toFixed(0)} | ${probes.docker.toFixed(0)} |`);
    const due = await dueTicks(i, names);
    console.log(`\n## sleep worker: the tick where ${names.length} spaces are due (CPU read, veto probe, pause)\n| via agent ms | via docker exec ms |\n|---|---|\n| ${due.agent!.toFixed(0)} | ${due["docker exec"]!.toFixed(0)} |`);
    if (i.fileIterations <= 0) return;
    console.log("\n(file throughput below: first through the agent, then through docker exec)");
    printThroughput(await benchFiles(i.base, i.key, names[0]!, i.fileIterations));
    printThroughput(await benchFiles(fallback.base, i.key, names[0]!, i.fileIterations));
  } finally {
    fallback.close();
  }
}
