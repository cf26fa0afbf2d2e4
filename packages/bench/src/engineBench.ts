import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { rawTrueExec } from "./rawExec.js";
import { summarize, timed, type Row } from "./stats.js";

const execFileP = promisify(execFile);

export interface EngineBenchContext {
  api: (method: string, path: string, body?: unknown) => Promise<unknown>;
  docker: Docker;
  /** The same container our API makes, created the plain dockerode way. */
  rawSpec: (name: string) => Docker.ContainerCreateOptions & { HostConfig: NonNullable<Docker.ContainerCreateOptions["HostConfig"]> };
  cleanup: () => Promise<void>;
  runId: string;
  label: string;
  iterations: number;
  execIterations: number;
  listSizes: number[];
  calls: { counts(): Record<string, number> };
  /** The policy, when on: the create baseline joins its network too. */
  network: unknown;
}

/** Create, exec, list and gVisor: our API against raw dockerode and the docker CLI, side by side. */
export function engineBenches(ctx: EngineBenchContext) {
  const { api, docker, rawSpec, cleanup, runId, label, iterations, execIterations, listSizes, calls, network } = ctx;

  async function benchCreate(): Promise<Row[]> {
    const ours: number[] = [];
    const raw: number[] = [];
    const rawNet: number[] = [];
    // warm-up: first create pays one-off costs (engine info, image layers in page cache, the policy network and its rules)
    const warm = (await api("POST", "/api/spaces", { name: `b${runId}-warm`, memory: "256m" })) as { space: { network: string } };
    await docker.createContainer(rawSpec(`b${runId}-rwarm`)).then((c) => c.start());
    // The same container on the network our space joined (the engine's cost of a user-defined bridge, without our rules).
    const policyNet = network ? `b${runId}-${warm.space.network}` : undefined;
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
    const rawExec = rawTrueExec(docker.getContainer(`clawdspace-${name}`));
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
        raw.push(await timed(() => docker.listContainers({ all: true, filters: { label: ["clawdspace.kind=space", `${label}=${runId}`] } })));
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

  return { benchCreate, benchExec, benchList, benchGvisor };
}
