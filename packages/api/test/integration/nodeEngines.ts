import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { SERVER_BIN } from "../support/serverProcess.js";
import { RUN_LABEL } from "./globalSetup.js";
import { waitForOutput } from "./netns.js";

/**
 * Several nodes on one machine: a hub namespace with a bridge (its own, empty firewall, so nothing of the
 * host's FORWARD rules applies), the host joined to it, and per node a namespace of its own holding a dockerd
 * (own data root, exec root, pidfile, socket, cgroup parent) and the built server, on an address we assign.
 * Data roots are kept under /var/lib/clawdspace-test-nodes so the space image is moved in once, not per run.
 */
export interface EngineNode {
  name: string;
  ip: string;
  url: string;
  docker: Docker;
  /** The hub's side of the node's link: down cuts the node off from everyone. */
  link: string;
  server: ChildProcess;
  output(): string;
}

export interface NodeLab {
  nodes: EngineNode[];
  key: string;
  secret: string;
  hubIp: string;
  cut(node: EngineNode): void;
  mend(node: EngineNode): void;
  close(): Promise<void>;
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
const DATA_ROOTS = "/var/lib/clawdspace-test-nodes";

async function waitForEngine(docker: Docker, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`dockerd exited (${child.exitCode}):\n${log().slice(-3000)}`);
    if (await docker.ping().then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`dockerd did not answer within 60 s:\n${log().slice(-3000)}`);
}

/** The image moves once: a data root that already holds the same image id is left alone. */
async function moveImage(from: Docker, to: Docker, image: string): Promise<"moved" | "present"> {
  const want = (await from.getImage(image).inspect()).Id;
  const have = await to.getImage(image).inspect().then((i) => i.Id, () => null);
  if (have === want) return "present";
  const tar = await from.getImage(image).get();
  const res = await to.loadImage(tar);
  await new Promise((resolve, reject) => {
    res.on("end", resolve);
    res.on("error", reject);
    res.resume();
  });
  return "moved";
}

export async function startNodeLab(runId: string, names: string[], image: string, env: Record<string, string> = {}): Promise<NodeLab> {
  const tag = runId.slice(0, 6);
  const n = randomInt(100, 250);
  const hub = `csh-${tag}`;
  const hubIp = `10.214.${n}.1`;
  const made: Array<() => void> = [];
  const children: ChildProcess[] = [];
  const host = new Docker();
  const key = `test_${randomBytes(16).toString("hex")}`;
  const secret = randomBytes(32).toString("hex");
  const dir = mkdtempSync(join(tmpdir(), "cs-nodes-"));
  writeFileSync(join(dir, "secret"), secret, { mode: 0o600 });
  const close = async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)));
    for (const undo of made.reverse()) {
      try {
        undo();
      } catch {
        /* already gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    ip("netns", "add", hub);
    made.push(() => ip("netns", "del", hub));
    ip("-n", hub, "link", "add", "br0", "type", "bridge");
    ip("-n", hub, "link", "set", "br0", "up");
    ip("link", "add", `vh${tag}`, "type", "veth", "peer", "name", "tohost", "netns", hub);
    made.push(() => ip("link", "del", `vh${tag}`));
    ip("-n", hub, "link", "set", "tohost", "master", "br0", "up");
    ip("addr", "add", `${hubIp}/24`, "dev", `vh${tag}`);
    ip("link", "set", `vh${tag}`, "up");
    const specs = names.map((name, i) => ({ name, ns: `csn-${tag}-${name}`, ip: `10.214.${n}.${10 + i}`, link: `p-${name}`, run: `/run/csn-${tag}-${name}` }));
    const peers = specs.map((s) => `${s.name}=http://${s.ip}:7777`).join(",");
    const nodes: EngineNode[] = [];
    for (const s of specs) {
      ip("netns", "add", s.ns);
      made.push(() => ip("netns", "del", s.ns));
      ip("-n", s.ns, "link", "add", "eth0", "type", "veth", "peer", "name", s.link, "netns", hub);
      ip("-n", hub, "link", "set", s.link, "master", "br0", "up");
      ip("-n", s.ns, "addr", "add", `${s.ip}/24`, "dev", "eth0");
      ip("-n", s.ns, "link", "set", "eth0", "up");
      ip("-n", s.ns, "link", "set", "lo", "up");
      mkdirSync(join(DATA_ROOTS, s.name), { recursive: true });
      mkdirSync(s.run, { recursive: true });
      made.push(() => rmSync(s.run, { recursive: true, force: true }));
      const sock = `${s.run}/docker.sock`;
      let dlog = "";
      const dockerd = spawn("nsenter", [`--net=/var/run/netns/${s.ns}`, "dockerd", "--data-root", join(DATA_ROOTS, s.name), "--exec-root", `${s.run}/exec`, "--pidfile", `${s.run}/docker.pid`, "-H", `unix://${sock}`, "--cgroup-parent", `csn-${s.name}`], { stdio: ["ignore", "pipe", "pipe"] });
      children.push(dockerd);
      dockerd.stdout!.on("data", (b: Buffer) => (dlog += b.toString()));
      dockerd.stderr!.on("data", (b: Buffer) => (dlog += b.toString()));
      const docker = new Docker({ socketPath: sock });
      await waitForEngine(docker, dockerd, () => dlog);
      nodes.push({ name: s.name, ip: s.ip, url: `http://${s.ip}:7777`, docker, link: s.link, server: dockerd, output: () => "" });
    }
    // One after the other: three loads of ~640 MiB at once thrash a 2-core machine.
    for (const node of nodes) await moveImage(host, node.docker, image);
    for (const [i, s] of specs.entries()) {
      const node = nodes[i]!;
      let log = "";
      const server = spawn("nsenter", [`--net=/var/run/netns/${s.ns}`, process.execPath, SERVER_BIN], {
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "/root",
          DOCKER_HOST: `unix://${s.run}/docker.sock`,
          API_KEY: key,
          HOST: s.ip,
          PORT: "7777",
          CLAWDSPACE_DATA_DIR: mkdtempSync(join(dir, `${s.name}-`)),
          CLAWDSPACE_LABELS: `${RUN_LABEL}=${runId}`,
          CLAWDSPACE_BUILD_IMAGE: "false",
          CLAWDSPACE_NETWORK_POLICY: "false",
          CLAWDSPACE_IMAGE: image,
          CLAWDSPACE_NODE: s.name,
          CLAWDSPACE_NODES: peers,
          CLAWDSPACE_CLUSTER_SECRET_FILE: join(dir, "secret"),
          CLAWDSPACE_NODES_TAILSCALE: "off",
          // The namespaces sit on 10.214.x (ours, private): plain http there is this test's choice, as it would be an operator's.
          CLAWDSPACE_NODES_ALLOW_HTTP: "true",
          NODES_HEALTH_MS: "1000",
          NODES_DEADLINE_MS: "1500",
          DEFAULT_MEMORY: "256m",
          LOG_LEVEL: "debug",
          ...env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(server);
      server.stdout!.on("data", (b: Buffer) => (log += b.toString()));
      server.stderr!.on("data", (b: Buffer) => (log += b.toString()));
      await waitForOutput(server, /Clawdspace API listening/, 60_000);
      nodes[i] = { ...node, server, output: () => log };
    }
    const lab: NodeLab = {
      nodes,
      key,
      secret,
      hubIp,
      cut: (node) => ip("-n", hub, "link", "set", node.link, "down"),
      mend: (node) => ip("-n", hub, "link", "set", node.link, "up"),
      // What this run made in the nodes' engines goes with it; the data roots (and the image) stay for the next run.
      close: async () => {
        for (const node of nodes) {
          const mine = await node.docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } }).catch(() => []);
          await Promise.all(mine.map((c) => node.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
          const vols = (await node.docker.listVolumes({ filters: { label: [`${RUN_LABEL}=${runId}`] } }).catch(() => ({ Volumes: [] }))).Volumes ?? [];
          await Promise.all(vols.map((v) => node.docker.getVolume(v.Name).remove().catch(() => undefined)));
        }
        await close();
      },
    };
    return lab;
  } catch (err) {
    await close();
    throw err;
  }
}
