import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { CallCounter, attachTerminal, composeDeps, createDockerEngine, createApp, loadConfig, openDb } from "@clawdspace/api";
import Docker from "dockerode";
import { pino } from "pino";
import { benchAudit, printAudit } from "./auditBench.js";
import { benchCli } from "./cliBench.js";
import { benchFiles, printThroughput } from "./filesBench.js";
import { benchSleepWorker, printTickCosts } from "./sleepBench.js";
import { printTable, summarize, timed, type Row } from "./stats.js";
import { benchTerminal, printTerminal } from "./terminalBench.js";
import { benchWeb } from "./webBench.js";
import { benchTasks, printTasks } from "./tasksBench.js";
import { benchAgent, printAgent } from "./agentBench.js";
import { agentCredentials } from "./agentCredentials.js";

const execFileP = promisify(execFile);
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
attachTerminal(server, deps);
/** BENCH_ONLY=terminal (or create,exec,list,cli,sleep,gvisor,files,audit,web,tasks,agent) runs a part of the suite. */
const only = new Set((process.env.BENCH_ONLY ?? "create,exec,list,cli,terminal,sleep,gvisor,files,audit,web,tasks,agent").split(",").map((s) => s.trim()));
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
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

async function benchCreate(): Promise<Row[]> {
  const ours: number[] = [];
  const raw: number[] = [];
  const rawNet: number[] = [];
  // warm-up: first create pays one-off costs (engine info, image layers in page cache, the policy network and its rules)
  const warm = (await api("POST", "/api/spaces", { name: `b${runId}-warm`, memory: "256m" })) as { space: { network: string } };
  await docker.createContainer(rawSpec(`b${runId}-rwarm`)).then((c) => c.start());
  // The same container on the network our space joined (the engine's cost of a user-defined bridge, without our rules).
  const policyNet = deps.network ? `b${runId}-${warm.space.network}` : undefined;
  const onNet = (name: string) => ({ ...rawSpec(name), HostConfig: { ...rawSpec(name).HostConfig, NetworkMode: policyNet } });
  for (let i = 0; i < iterations; i++) {
    // rotate the order so drift on a noisy machine hits every side alike
    const steps = [
      async () => ours.push(await timed(() => api("POST", "/api/spaces", { name: `b${runId}-c${i}`, memory: "256m", cpus: 1 }))),
      async () => raw.push(await timed(async () => (await docker.createContainer(rawSpec(`b${runId}-r${i}`))).start())),
      async () => rawNet.push(await timed(async () => (await docker.createContainer(onNet(`b${runId}-n${i}`))).start())),
    ];
    for (let k = 0; k < steps.length; k++) await steps[(k + i) % steps.length]!();
  }
  await cleanup();
  return [
    { case: "create until answered", ours: summarize(ours), baseline: summarize(raw), baselineName: "dockerode create+start", extra: "baseline on the default bridge" },
    {
      case: "create until answered",
      ours: summarize(ours),
      baseline: summarize(rawNet),
      baselineName: "dockerode create+start",
      extra: policyNet ? `baseline on ${policyNet} too` : "policy off: both on the default bridge",
    },
  ];
}

async function benchExec(): Promise<Row[]> {
  const name = `b${runId}-exec`;
  await api("POST", "/api/spaces", { name, memory: "256m" });
  const container = docker.getContainer(`clawdspace-${name}`);
  const rawExec = async () => {
    const exec = await container.exec({ Cmd: ["true"], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    await new Promise<void>((resolve, reject) => {
      stream.on("data", () => undefined);
      stream.on("end", resolve);
      stream.on("error", reject);
    });
    await exec.inspect();
  };
  const ours: number[] = [];
  const oursShell: number[] = [];
  const raw: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < 5; i++) {
    await rawExec();
    await api("POST", `/api/spaces/${name}/exec`, { command: ["true"] });
  }
  for (let i = 0; i < execIterations; i++) {
    const steps = [
      async () => ours.push(await timed(() => api("POST", `/api/spaces/${name}/exec`, { command: ["true"] }))),
      async () => oursShell.push(await timed(() => api("POST", `/api/spaces/${name}/exec`, { command: "true" }))),
      async () => raw.push(await timed(rawExec)),
      async () => cli.push(await timed(() => execFileP("docker", ["exec", `clawdspace-${name}`, "true"]))),
    ];
    // rotate the order every iteration
    for (let k = 0; k < steps.length; k++) await steps[(k + i) % steps.length]!();
  }
  await cleanup();
  const r = summarize(raw);
  return [
    { case: "exec [\"true\"]", ours: summarize(ours), baseline: r, baselineName: "dockerode exec" },
    { case: "exec [\"true\"]", ours: summarize(ours), baseline: summarize(cli), baselineName: "docker exec (CLI)" },
    { case: "exec \"true\" (bash -lc)", ours: summarize(oursShell), baseline: r, baselineName: "dockerode exec", extra: "string form adds a login shell" },
  ];
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

async function benchList(): Promise<Row[]> {
  const rows: Row[] = [];
  let made = 0;
  for (const size of listSizes) {
    while (made < size) {
      const batch = Array.from({ length: Math.min(8, size - made) }, (_, k) => made + k);
      await Promise.all(batch.map(async (i) => (await docker.createContainer(rawSpec(`b${runId}-l${i}`))).start()));
      made += batch.length;
    }
    const ours: number[] = [];
    const raw: number[] = [];
    const callsBefore = calls.counts();
    for (let i = 0; i < 20; i++) {
      ours.push(await timed(() => api("GET", "/api/spaces")));
      raw.push(await timed(() => docker.listContainers({ all: true, filters: { label: ["clawdspace.kind=space", `${BENCH_LABEL}=${runId}`] } })));
    }
    const callsAfter = calls.counts();
    const engineCalls = Object.keys(callsAfter).reduce((n, k) => n + (callsAfter[k]! - (callsBefore[k] ?? 0)), 0) / 20;
    rows.push({
      case: `list, ${size} spaces`,
      ours: summarize(ours),
      baseline: summarize(raw),
      baselineName: "dockerode list",
      extra: `${engineCalls} engine call(s) per list`,
    });
  }
  await cleanup();
  return rows;
}

/** gVisor against runc, both through our API: create until answered, then an exec. */
async function benchGvisor(): Promise<Row[]> {
  const create = { runc: [] as number[], runsc: [] as number[] };
  const exec = { runc: [] as number[], runsc: [] as number[] };
  for (const rt of ["runc", "runsc"] as const) await api("POST", "/api/spaces", { name: `b${runId}-gw${rt}`, memory: "256m", runtime: rt });
  for (let i = 0; i < iterations; i++) {
    for (const rt of (i % 2 ? ["runc", "runsc"] : ["runsc", "runc"]) as Array<"runc" | "runsc">) {
      const name = `b${runId}-g${rt}${i}`;
      create[rt].push(await timed(() => api("POST", "/api/spaces", { name, memory: "256m", runtime: rt })));
      exec[rt].push(await timed(() => api("POST", `/api/spaces/${name}/exec`, { command: ["true"] })));
    }
  }
  await cleanup();
  return [
    { case: "create until answered", ours: summarize(create.runsc), baseline: summarize(create.runc), baselineName: "runc", extra: "ours = runsc (gVisor)" },
    { case: "first exec [\"true\"]", ours: summarize(exec.runsc), baseline: summarize(exec.runc), baselineName: "runc", extra: "ours = runsc (gVisor)" },
  ];
}

try {
  await engine.system.ping();
  if (!(await engine.images.exists(cfg.image))) throw new Error(`image ${cfg.image} is missing: run npm run image first`);
  console.log(`Clawdspace benchmark (run ${runId}); engine ${(await engine.system.info()).version}; image ${cfg.image}`);
  if (only.has("create")) printTable("create", await benchCreate());
  if (only.has("exec")) printTable("exec", await benchExec());
  if (only.has("list")) printTable("list", await benchList());
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
    const sleepers = Number(process.env.BENCH_SLEEP_SPACES ?? 100);
    const names = Array.from({ length: sleepers }, (_, i) => `b${runId}-s${i}`);
    for (let i = 0; i < names.length; i += 8) {
      await Promise.all(names.slice(i, i + 8).map(async (n) => (await docker.createContainer(rawSpec(n))).start()));
    }
    printTickCosts(await benchSleepWorker(cfg, engine, calls, docker, names));
    await cleanup();
  }
  if (only.has("files")) {
    const space = `b${runId}-files`;
    await api("POST", "/api/spaces", { name: space, memory: "256m" });
    printThroughput(await benchFiles(base, key, space, Number(process.env.BENCH_FILE_ITERATIONS ?? 5)));
  }
  if (only.has("web")) {
    const count = Number(process.env.BENCH_WEB_SPACES ?? 50);
    for (let i = 0; i < count; i += 8) {
      await Promise.all(Array.from({ length: Math.min(8, count - i) }, async (_, k) => (await docker.createContainer(rawSpec(`b${runId}-w${i + k}`))).start()));
    }
    const web = await benchWeb(base, key, count, iterations);
    if (typeof web === "string") console.log(`\n## web\n${web}`);
    else printTable("web", web);
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
    const log = pino({ level: "warn" });
    // As in the server: the watcher learns that a run ended (nobody follows the timed runs).
    deps.taskParts.watcher.start();
    try {
      printAgent(await benchAgent({ base, key, api, docker, engine, log, cfg, spaces, credentialsEnv: agentCreds.env, iterations: Math.min(iterations, 5) }));
    } finally {
      await deps.taskParts.watcher.stop();
    }
    await cleanup();
  }
  if (only.has("audit")) {
    const events = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
    printAudit(events, await benchAudit(events));
  }
} finally {
  await cleanup().catch(() => undefined);
  for (const mode of ["internet", "lan"] as const) await deps.network?.remove(mode).catch(() => undefined);
  server.close();
}
