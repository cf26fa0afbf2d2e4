import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { composeCluster, composeDeps, type ClusterParts, createApp, createDockerEngine, HttpPeerTransport, openDb, type Config } from "@clawdspace/api";
import type Docker from "dockerode";
import { pino } from "pino";
import { printTable, summarize, timed, type Row } from "./stats.js";

interface BenchNode {
  name: string;
  url: string;
  parts: ClusterParts;
  close(): Promise<void>;
}

export interface NodesBenchInput {
  cfg: Config;
  docker: Docker;
  runId: string;
  label: string;
  key: string;
  perNode: number;
  iterations: number;
}

const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/**
 * Nodes in this process on loopback, each its own server over the real engine but seeing only its own spaces
 * (a scope label per node): real engines, real HTTP between nodes, one machine. `peers` may name members
 * not started here (a black hole).
 */
async function startNodes(inp: NodesBenchInput, names: string[], extra: Array<{ name: string; url: string }> = [], cluster = true, scope?: string[]): Promise<BenchNode[]> {
  const servers = names.map(() => createServer());
  const urls = await Promise.all(servers.map(listen));
  const peers = [...names.map((name, i) => ({ name, url: urls[i]! })), ...extra];
  const secret = `bench-secret-${inp.runId}-0123456789abcdef0123456789`;
  const log = pino({ level: "silent" });
  const nodes = names.map((name, i) => {
    const engine = createDockerEngine(inp.cfg.docker, { scope: scope ?? [`${inp.label}=${inp.runId}`, `clawdspace.node=${name}`] });
    const deps = composeDeps({ ...inp.cfg, node: name }, engine, log, inp.key, openDb(":memory:"));
    const transport = new HttpPeerTransport({ self: name, secret, connectTimeoutMs: 2000 });
    const parts = composeCluster(
      { self: name, secret, peers, healthMs: 60_000, deadlineMs: 2000, bodyLimit: inp.cfg.bodyLimitBytes, defaults: { memory: inp.cfg.defaultMemory, cpus: inp.cfg.defaultCpus }, eventsMaxStreams: 8 },
      { ...deps, version: "bench" },
      transport,
      log,
    );
    servers[i]!.on("request", createApp(cluster ? { ...deps, auth: parts.auth, cluster: parts.router } : deps));
    const close = async () => {
      await parts.close();
      transport.close();
      servers[i]!.closeAllConnections();
      await new Promise((r) => servers[i]!.close(r));
    };
    return { name, url: urls[i]!, parts, close };
  });
  if (cluster) await Promise.all(nodes.map((n) => n.parts.membership.check()));
  return nodes;
}

/** Spaces made the plain dockerode way, created and not started: a list reads labels, whatever the state. */
async function fill(inp: NodesBenchInput, node: string): Promise<void> {
  for (let i = 0; i < inp.perNode; i += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, inp.perNode - i) }, (_, k) =>
        inp.docker.createContainer({
          name: `clawdspace-b${inp.runId}-${node}${i + k}`,
          Image: inp.cfg.image,
          Labels: { "clawdspace.kind": "space", "clawdspace.space": `b${inp.runId}-${node}${i + k}`, "clawdspace.node": node, "clawdspace.memory": String(256 * 1024 ** 2), "clawdspace.cpus": "1", [inp.label]: inp.runId },
          HostConfig: { Memory: 256 * 1024 ** 2, NanoCpus: 1e9 },
        }),
      ),
    );
  }
}

async function benchNodes(inp: NodesBenchInput): Promise<{ rows: Row[]; wait: { firstMs: number; afterMs: number; refusedMs: number } }> {
  const headers = { authorization: `Bearer ${inp.key}`, "content-type": "application/json" };
  const get = (url: string) => fetch(`${url}/api/spaces`, { headers }).then((r) => r.json() as Promise<{ spaces: unknown[] }>);
  for (const n of ["a", "b", "c"]) await fill(inp, n);
  const samples = async (fn: () => Promise<unknown>) => {
    await fn();
    const out: number[] = [];
    for (let i = 0; i < inp.iterations; i++) out.push(await timed(fn));
    return summarize(out);
  };
  const alone = await startNodes(inp, ["a"], [], false);
  const one = await samples(() => get(alone[0]!.url));
  await Promise.all(alone.map((n) => n.close()));
  // The same 150 spaces on one node: what the count alone costs, apart from the fan-out.
  const wide = await startNodes(inp, ["*"], [], false, [`${inp.label}=${inp.runId}`]);
  const allOnOne = await samples(() => get(wide[0]!.url));
  await Promise.all(wide.map((n) => n.close()));
  const trio = await startNodes(inp, ["a", "b", "c"]);
  const [a, b] = trio as [BenchNode, BenchNode];
  const merged = await samples(() => get(a.url));
  if ((await get(a.url)).spaces.length !== 3 * inp.perNode) throw new Error("the merged list is not every node's spaces");
  const space = `b${inp.runId}-nx`;
  const made = await fetch(`${a.url}/api/spaces`, { method: "POST", headers, body: JSON.stringify({ name: space, node: "b", memory: "256m" }) });
  if (made.status !== 201) throw new Error(`create on b through a: ${made.status} ${await made.text()}`);
  const exec = (url: string) => fetch(`${url}/api/spaces/${space}/exec`, { method: "POST", headers, body: JSON.stringify({ command: ["true"] }) }).then((r) => r.json());
  // Side by side, alternating, so a busy moment of the shared machine hits both.
  await exec(b.url), await exec(a.url);
  const d: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < 2 * inp.iterations; i++) {
    d.push(await timed(() => exec(b.url)));
    r.push(await timed(() => exec(a.url)));
  }
  const [direct, relayed] = [summarize(d), summarize(r)];
  await Promise.all(trio.map((n) => n.close()));

  // A member that takes connections and never answers, and one whose port refuses them.
  const hole = createServer();
  const holeUrl = await listen(hole);
  const refused = createServer();
  const refusedUrl = await listen(refused);
  await new Promise((r) => refused.close(r));
  const withHole = await startNodes(inp, ["a", "b"], [{ name: "hole", url: holeUrl }], true);
  // Its first health check already failed; forget that, as when a node goes away between two checks.
  withHole[0]!.parts.membership.get("hole")!.status = "online";
  const firstMs = await timed(() => get(withHole[0]!.url));
  const afterMs = (await samples(() => get(withHole[0]!.url))).median;
  await Promise.all(withHole.map((n) => n.close()));
  hole.closeAllConnections();
  await new Promise((r) => hole.close(r));
  const withRefused = await startNodes(inp, ["a", "b"], [{ name: "gone", url: refusedUrl }], true);
  withRefused[0]!.parts.membership.get("gone")!.status = "online";
  const refusedMs = await timed(() => get(withRefused[0]!.url));
  await Promise.all(withRefused.map((n) => n.close()));

  return {
    rows: [
      { case: `list, 3 nodes x ${inp.perNode} spaces (merged at a)`, ours: merged, baseline: one, baselineName: `1 node x ${inp.perNode}`, extra: "real engine, 3 in-process nodes over loopback HTTP" },
      { case: `list, 3 nodes x ${inp.perNode} (merged at a)`, ours: merged, baseline: allOnOne, baselineName: `1 node x ${3 * inp.perNode}`, extra: "the fan-out's cost apart from the count" },
      { case: "exec [\"true\"] on b's space, entering at a", ours: relayed, baseline: direct, baselineName: "at b directly", extra: `proxy cost ${(relayed.median - direct.median).toFixed(1)} ms (median)` },
    ],
    wait: { firstMs, afterMs, refusedMs },
  };
}

function printNodesWait(w: { firstMs: number; afterMs: number; refusedMs: number }): void {
  console.log("\n## nodes: what an unreachable node costs a list (deadline 2000 ms)");
  console.log("| peer | list ms |");
  console.log("|---|---|");
  console.log(`| takes connections, never answers: first list after it went away | ${w.firstMs.toFixed(1)} |`);
  console.log(`| the same, once known offline (served from its last list) | ${w.afterMs.toFixed(1)} |`);
  console.log(`| port refuses connections | ${w.refusedMs.toFixed(1)} |`);
}

/** The nodes section of `npm run bench`: the merged list, the relay's cost, what an unreachable node costs a list. */
export async function nodesSection(inp: NodesBenchInput, cleanup: () => Promise<void>): Promise<void> {
  try {
    const r = await benchNodes(inp);
    printTable("nodes", r.rows);
    printNodesWait(r.wait);
  } finally {
    await cleanup();
  }
}
