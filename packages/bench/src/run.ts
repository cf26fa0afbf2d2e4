import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CallCounter, TUNNEL_PATH, attachTerminal, attachTunnel, composeDeps, createDockerEngine, createApp, loadConfig, openDb } from "@clawdspace/api";
import Docker from "dockerode";
import { pino } from "pino";
import { benchAudit, printAudit } from "./auditBench.js";
import { benchCli } from "./cliBench.js";
import { benchFiles, printThroughput } from "./filesBench.js";
import { benchSleepWorker, printTickCosts } from "./sleepBench.js";
import { printTable, type Row } from "./stats.js";
import { benchTerminal, printTerminal } from "./terminalBench.js";
import { benchWeb } from "./webBench.js";
import { benchAllStats, printLoadCost } from "./loadBench.js";
import { benchTasks, printTasks } from "./tasksBench.js";
import { benchAgent, printAgent } from "./agentBench.js";
import { agentCredentials } from "./agentCredentials.js";
import { benchProject } from "./projectBench.js";
import { hostileSection } from "./hostileBench.js";
import { engineBenches } from "./engineBench.js";
import { nodesSection } from "./nodesBench.js";
import { benchSpaceAgent } from "./spaceAgentBench.js";
import { benchSsh } from "./sshBench.js";

const BENCH_LABEL = "clawdspace.bench";
const runId = randomBytes(3).toString("hex");
const iterations = Number(process.env.BENCH_ITERATIONS ?? 10);
const execIterations = Number(process.env.BENCH_EXEC_ITERATIONS ?? 40);
const listSizes = (process.env.BENCH_LIST_SIZES ?? "1,50,200").split(",").map(Number);

// The run's own policy networks (b<run>-internet, ...), removed at the end like its containers.
const agentCreds = await agentCredentials(runId);
const cfg = loadConfig({ ...process.env, CLAWDSPACE_DATA_DIR: "/tmp/clawdspace-bench", DEFAULT_MEMORY: "256m", CLAWDSPACE_NETWORK_PREFIX: `b${runId}`, AGENT_CREDENTIALS_FILE: agentCreds.file });
cfg.extraLabels = { ...cfg.extraLabels, [BENCH_LABEL]: runId };
const docker = new Docker(cfg.docker);
const calls = new CallCounter();
const engine = createDockerEngine(cfg.docker, { scope: [`${BENCH_LABEL}=${runId}`], onCall: calls.record });
const key = randomBytes(16).toString("hex");
const deps = composeDeps(cfg, engine, pino({ level: "silent" }), key, openDb(":memory:"));
// The built dashboard too, for the web benchmark (absent build: the API alone).
const app = createApp({ ...deps, webDir: cfg.webDir });
const server = createServer(app);
attachTerminal(server, { ...deps, otherPaths: [TUNNEL_PATH] });
attachTunnel(server, { ...deps, origins: cfg.terminal });
/** BENCH_ONLY=terminal (or create,exec,list,cli,sleep,gvisor,files,project,audit,web,tasks,agent,ssh,hostile,nodes,stats,spaceagent) runs a part of the suite. */
const only = new Set((process.env.BENCH_ONLY ?? "create,exec,list,cli,terminal,sleep,gvisor,files,project,audit,web,tasks,agent,ssh,hostile,nodes,stats,spaceagent").split(",").map((s) => s.trim()));
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };

async function api(method: string, path: string, body?: unknown, at = base): Promise<unknown> {
  const res = await fetch(at + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The same container our API makes, created the plain dockerode way (the volume is made implicitly by the mount). */
function rawSpec(name: string) {
  return {
    name: `clawdspace-${name}`,
    Hostname: name,
    Image: cfg.image,
    WorkingDir: "/workspace",
    Labels: { "clawdspace.kind": "space", "clawdspace.space": name, "clawdspace.memory": String(256 * 1024 ** 2), "clawdspace.cpus": "1", [BENCH_LABEL]: runId },
    HostConfig: {
      Mounts: [{ Type: "volume" as const, Source: `clawdspace-vol-${name}`, Target: "/workspace" }],
      Memory: 256 * 1024 ** 2,
      MemorySwap: 256 * 1024 ** 2,
      NanoCpus: 1e9,
      PidsLimit: 1024,
      SecurityOpt: ["no-new-privileges=true"],
      CapDrop: ["ALL"],
      Tmpfs: { "/tmp": "rw,nosuid,nodev,exec,size=67108864" },
      RestartPolicy: { Name: "unless-stopped" },
      Init: true,
    },
  };
}

/** `count` raw containers like ours, 8 at a time: the population for the sleep, web and stats figures. */
async function startRaw(prefix: string, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `b${runId}-${prefix}${i}`);
  for (let i = 0; i < names.length; i += 8) await Promise.all(names.slice(i, i + 8).map(async (n) => (await docker.createContainer(rawSpec(n))).start()));
  return names;
}

async function cleanup(): Promise<void> {
  const label = `${BENCH_LABEL}=${runId}`;
  const cs = await docker.listContainers({ all: true, filters: { label: [label] } });
  for (let i = 0; i < cs.length; i += 8) {
    await Promise.all(cs.slice(i, i + 8).map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  }
  const { Volumes } = await docker.listVolumes({ filters: { label: [label] } });
  await Promise.all((Volumes ?? []).map((v) => docker.getVolume(v.Name).remove().catch(() => undefined)));
  // Raw-created volumes carry no label: remove them by the names we gave them.
  const raw = await docker.listVolumes({ filters: { name: [`clawdspace-vol-b${runId}`] } });
  await Promise.all((raw.Volumes ?? []).map((v) => docker.getVolume(v.Name).remove().catch(() => undefined)));
}

async function benchCliSection(): Promise<Row[]> {
  const name = `b${runId}-cli`;
  await api("POST", "/api/spaces", { name, memory: "256m" });
  try {
    return await benchCli(base, key, name, api, Number(process.env.BENCH_CLI_ITERATIONS ?? 20));
  } finally {
    await cleanup();
  }
}

const { benchCreate, benchExec, benchList, benchGvisor } = engineBenches({
  api, docker, rawSpec, cleanup, runId, label: BENCH_LABEL, iterations, execIterations, listSizes, calls, network: deps.network,
});

try {
  await engine.system.ping();
  if (!(await engine.images.exists(cfg.image))) throw new Error(`image ${cfg.image} is missing: run npm run image first`);
  console.log(`Clawdspace benchmark (run ${runId}); engine ${(await engine.system.info()).version}; image ${cfg.image}`);
  if (only.has("create")) printTable("create", await benchCreate());
  if (only.has("exec")) printTable("exec", await benchExec());
  if (only.has("list")) printTable("list", await benchList());
  if (only.has("nodes")) await nodesSection({ cfg, docker, runId, label: BENCH_LABEL, key, perNode: Number(process.env.BENCH_NODE_SPACES ?? 50), iterations: 20 }, cleanup);
  if (only.has("cli")) printTable("cli", await benchCliSection());
  if (only.has("gvisor")) {
    if ((await engine.system.info()).runtimes.includes("runsc")) printTable("gvisor", await benchGvisor());
    else console.log("\n## gvisor\nskipped: the engine has no runsc runtime (see docs/TEMPLATES.md)");
  }
  if (only.has("terminal")) {
    const space = `b${runId}-term`;
    const catBytes = Number(process.env.BENCH_CAT_BYTES ?? 32 * 1024 ** 2);
    await api("POST", "/api/spaces", { name: space, memory: "512m" });
    const figures = await benchTerminal(
      { base, key, space, docker, keystrokes: Number(process.env.BENCH_KEYSTROKES ?? 300), catBytes },
      async (command) => void (await api("POST", `/api/spaces/${space}/exec`, { command })),
    );
    printTerminal(figures, catBytes);
    await deps.terminals.close();
    await cleanup();
  }
  if (only.has("sleep")) {
    const names = await startRaw("s", Number(process.env.BENCH_SLEEP_SPACES ?? 100));
    printTickCosts(await benchSleepWorker(cfg, engine, calls, docker, names));
    await cleanup();
  }
  if (only.has("files")) {
    const space = `b${runId}-files`;
    await api("POST", "/api/spaces", { name: space, memory: "256m" });
    printThroughput(await benchFiles(base, key, space, Number(process.env.BENCH_FILE_ITERATIONS ?? 5)));
  }
  if (only.has("project")) await benchProject(base, key, `b${runId}-pj`, Number(process.env.BENCH_PROJECT_ITERATIONS ?? 3)).finally(cleanup);
  if (only.has("web")) {
    const count = Number(process.env.BENCH_WEB_SPACES ?? 50);
    await startRaw("w", count);
    const web = await benchWeb(base, key, count, iterations);
    void (typeof web === "string" ? console.log(`\n## web\n${web}`) : printTable("web", web));
    await cleanup();
  }
  if (only.has("stats")) {
    printLoadCost(await benchAllStats(api, calls, (await startRaw("st", Number(process.env.BENCH_STATS_SPACES ?? 100))).length));
    await cleanup();
  }
  if (only.has("tasks")) {
    const names = Array.from({ length: 10 }, (_, i) => `b${runId}-t${i}`);
    for (let i = 0; i < names.length; i += 5) await Promise.all(names.slice(i, i + 5).map((name) => api("POST", "/api/spaces", { name, memory: "128m" })));
    printTasks(await benchTasks({ base, key, api, space: names[0]!, extraSpaces: names.slice(1), calls, tick: () => deps.taskParts.watcher.tick(), iterations }));
    await cleanup();
  }
  if (only.has("agent")) {
    const spaces = Array.from({ length: 5 }, (_, i) => `b${runId}-a${i}`);
    await Promise.all(spaces.map((name) => api("POST", "/api/spaces", { name, template: "agent" })));
    // As in the server: the watcher learns that a run ended (nobody follows the timed runs).
    deps.taskParts.watcher.start();
    try {
      printAgent(await benchAgent({ base, key, api, docker, engine, log: pino({ level: "warn" }), cfg, spaces, credentialsEnv: agentCreds.env, iterations: Math.min(iterations, 5) }));
    } finally {
      await deps.taskParts.watcher.stop();
    }
    await cleanup();
  }
  if (only.has("hostile")) printTable("hostile", await hostileSection({ base, key, api, iterations: 20 }, { runId, history: deps.history, cleanup }));
  if (only.has("spaceagent")) {
    const spaces = Number(process.env.BENCH_AGENT_SPACES ?? 100);
    await benchSpaceAgent({ cfg, engine, calls, docker, api, base, key, prefix: `b${runId}`, spaces, iterations: execIterations, fileIterations: Number(process.env.BENCH_FILE_ITERATIONS ?? 5), agentExec: deps.spaceAgent?.exec ?? engine.exec });
    await cleanup();
  }
  if (only.has("ssh")) await api("POST", "/api/spaces", { name: `b${runId}-ssh`, memory: "512m", template: "offline" }).then(() => benchSsh({ base, key, api, space: `b${runId}-ssh`, container: `clawdspace-b${runId}-ssh`, iterations, forwardMb: Number(process.env.BENCH_FORWARD_MB ?? 100) })).finally(cleanup);
  if (only.has("audit")) {
    const events = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
    printAudit(events, await benchAudit(events));
  }
} finally {
  await cleanup().catch(() => undefined);
  for (const mode of ["internet", "lan"] as const) await deps.network?.remove(mode).catch(() => undefined);
  server.close();
}
