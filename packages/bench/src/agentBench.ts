import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { ensureAgentImage, type Engine } from "@clawdspace/api";
import type Docker from "dockerode";
import type { Logger } from "pino";
import { printTable, summarize, type Row } from "./stats.js";

type Api = (method: string, path: string, body?: unknown) => Promise<unknown>;
const STUB = fileURLToPath(new URL("../../api/test/integration/fixtures/anthropic-stub.cjs", import.meta.url));
const STUB_LOG = "/workspace/.stub/requests.jsonl";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface AgentFigures {
  rows: Row[];
  build: { seconds: number; agentMiB: number; spaceMiB: number };
  rss: { idleMiB: number; peakMiB: number; runs: number };
}

interface Ctx {
  base: string;
  key: string;
  api: Api;
  docker: Docker;
  engine: Engine;
  log: Logger;
  cfg: { image: string; agent: { image: string; claudeCodeVersion: string } };
  spaces: string[];
  credentialsEnv: Record<string, string>;
  iterations: number;
}

async function startStub(c: Ctx, space: string) {
  const put = await fetch(`${c.base}/api/spaces/${space}/file?path=${encodeURIComponent("/.stub/anthropic-stub.cjs")}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${c.key}`, "content-type": "application/octet-stream" },
    body: await readFile(STUB),
  });
  if (!put.ok) throw new Error(`stub upload: ${put.status}`);
  await c.api("POST", `/api/spaces/${space}/tasks`, { command: ["node", "/workspace/.stub/anthropic-stub.cjs", "8787", STUB_LOG], name: "stub" });
  for (let i = 0; i < 100; i++) {
    const r = (await c.api("POST", `/api/spaces/${space}/exec`, { command: ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:8787/"] })) as { stdout: string };
    if (r.stdout.trim() === "404") return;
    await sleep(200);
  }
  throw new Error(`stub in ${space} never answered`);
}

/** When the stub logged its newest Messages API call, or null when none arrived after `since`. */
async function firstRequestAfter(c: Ctx, space: string, since: number): Promise<number | null> {
  const r = (await c.api("POST", `/api/spaces/${space}/exec`, { command: ["cat", STUB_LOG] })) as { stdout: string };
  const ats = r.stdout
    .split("\n")
    .filter((l) => l.includes("/v1/messages"))
    .map((l) => (JSON.parse(l) as { at: number }).at)
    .filter((t) => t >= since);
  return ats.length ? Math.min(...ats) : null;
}

async function waitRequest(c: Ctx, space: string, since: number): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const at = await firstRequestAfter(c, space, since);
    if (at !== null) return at - since;
    await sleep(50);
  }
  throw new Error("the agent never reached the stub");
}

async function waitRunEnd(c: Ctx, space: string, id: string) {
  for (let i = 0; i < 600; i++) {
    const { run } = (await c.api("GET", `/api/spaces/${space}/agent/runs/${id}`)) as { run: { state: string } };
    if (run.state !== "running") return run;
    await sleep(200);
  }
  throw new Error(`run ${id} never ended`);
}

/** The same Claude Code command started the plain way: one docker exec, no task, no store. */
async function rawRun(c: Ctx, space: string) {
  const exec = await c.docker.getContainer(`clawdspace-${space}`).exec({
    Cmd: ["/opt/clawdspace/bin/claude-agent", "-p", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions", "--", "hello"],
    Env: Object.entries(c.credentialsEnv).map(([k, v]) => `${k}=${v}`),
    WorkingDir: "/workspace",
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  stream.resume();
  return new Promise<void>((r) => stream.on("end", () => r()));
}

/**
 * The agent: a cold build of its image (size against the space image's); POST until the agent's
 * first request reaches the stub, against the same command through a plain docker exec; the
 * server's RSS with five runs streaming in five spaces.
 */
export async function benchAgent(c: Ctx): Promise<AgentFigures> {
  const tag = `${c.cfg.agent.image.split(":")[0]}:bench`;
  const t0 = Date.now();
  await ensureAgentImage(c.engine.images, { image: tag, spaceImage: c.cfg.image, claudeCodeVersion: c.cfg.agent.claudeCodeVersion, force: true, noCache: true }, c.log);
  const seconds = (Date.now() - t0) / 1000;
  const mib = async (ref: string) => ((await c.docker.getImage(ref).inspect()).Size ?? 0) / 1024 ** 2;
  const build = { seconds, agentMiB: await mib(tag), spaceMiB: await mib(c.cfg.image) };
  await c.docker.getImage(tag).remove().catch(() => undefined);

  await Promise.all(c.spaces.map((s) => startStub(c, s)));
  const [space] = c.spaces as [string];
  const ours: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < c.iterations; i++) {
    const steps = [
      async () => {
        const since = Date.now();
        const { run } = (await c.api("POST", `/api/spaces/${space}/agent/runs`, { prompt: "hello" })) as { run: { id: string } };
        ours.push(await waitRequest(c, space, since));
        await waitRunEnd(c, space, run.id);
      },
      async () => {
        const since = Date.now();
        const done = rawRun(c, space);
        raw.push(await waitRequest(c, space, since));
        await done;
      },
    ];
    for (let k = 0; k < steps.length; k++) await steps[(k + i) % steps.length]!();
  }

  // Five runs streaming text for ~15 s each, followed live, while we sample our RSS.
  const idleMiB = process.memoryUsage().rss / 1024 ** 2;
  let peak = idleMiB;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss / 1024 ** 2)), 100);
  const runs = await Promise.all(c.spaces.map(async (s) => ({ s, id: ((await c.api("POST", `/api/spaces/${s}/agent/runs`, { prompt: "[[slow: 150]]" })) as { run: { id: string } }).run.id })));
  await Promise.all(
    runs.map(async ({ s, id }) => {
      const res = await fetch(`${c.base}/api/spaces/${s}/agent/runs/${id}?follow=1`, { headers: { authorization: `Bearer ${c.key}` } });
      for await (const _ of res.body as unknown as AsyncIterable<Uint8Array>) void _;
    }),
  );
  clearInterval(sampler);
  return {
    rows: [{ case: "POST until the agent's first request at the stub", ours: summarize(ours), baseline: summarize(raw), baselineName: "docker exec of the same claude command" }],
    build,
    rss: { idleMiB, peakMiB: peak, runs: runs.length },
  };
}

export function printAgent(f: AgentFigures): void {
  printTable("agent", f.rows);
  console.log(`\n| agent image | figure |\n|---|---|`);
  console.log(`| cold build (no cache, npm install of Claude Code) | ${f.build.seconds.toFixed(1)} s |`);
  console.log(`| agent image size / space image size | ${f.build.agentMiB.toFixed(0)} MiB / ${f.build.spaceMiB.toFixed(0)} MiB (${(f.build.agentMiB / f.build.spaceMiB).toFixed(2)}x) |`);
  console.log(`| server RSS idle / peak with ${f.rss.runs} runs streaming | ${f.rss.idleMiB.toFixed(1)} MiB / ${f.rss.peakMiB.toFixed(1)} MiB (${(f.rss.peakMiB / f.rss.idleMiB).toFixed(2)}x) |`);
}
