import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { pino } from "pino";
import type { TestProject } from "vitest/node";
import { loadConfig } from "../../src/config.js";
import { createDockerEngine } from "../../src/engine/docker/createDockerEngine.js";
import type { Engine } from "../../src/engine/engine.js";
import { ensureAgentImage, ensureHelperImage, ensureSpaceImage } from "../../src/images/imageBuilder.js";
import { NETWORK_MODE_LABEL, NetworkPolicy } from "../../src/network/networkPolicy.js";

export const RUN_LABEL = "clawdspace.test-run";
/** A run's network prefix: its bridges are t<run>-inet and t<run>-lan. */
export const testNetworkPrefix = (runId: string) => `t${runId}`;

/**
 * Unhooks and removes the firewall chains and networks a run made (after its containers are gone);
 * without a run id, those of other runs whose networks no container uses any more (killed runs).
 */
async function removeRunNetworks(engine: Engine, docker: Docker, runId: string | undefined, helperImage: string): Promise<void> {
  const nets = await engine.networks.list([runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL]);
  for (const n of nets) {
    const owner = n.labels[RUN_LABEL]!;
    if (!runId) {
      const info = (await docker.getNetwork(n.name).inspect().catch(() => null)) as { Containers?: Record<string, unknown>; Created?: string } | null;
      if (!info || Object.keys(info.Containers ?? {}).length > 0 || Date.parse(info.Created ?? "") > Date.now() - STALE_MS) continue;
    }
    const policy = new NetworkPolicy(engine, { prefix: testNetworkPrefix(owner), helperImage, labels: { [RUN_LABEL]: owner } }, pino({ level: "warn" }));
    const mode = n.labels[NETWORK_MODE_LABEL];
    if (mode === "internet" || mode === "lan") await policy.remove(mode).catch((e) => console.warn(`could not remove ${n.name}: ${e}`));
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    engine: boolean;
    runId: string;
    image: string;
  }
}

/** A run that is still going may share the engine: only leftovers older than this are another run's debris. */
const STALE_MS = 30 * 60 * 1000;

/**
 * Removes what carries our test label: this run's things, or the stale leftovers of
 * earlier (killed) runs. Nothing without the label is ever touched.
 */
export async function sweep(docker: Docker, runId?: string): Promise<number> {
  const label = runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL;
  const cutoff = Date.now() - STALE_MS;
  const containers = (await docker.listContainers({ all: true, filters: { label: [label] } })).filter(
    (c) => runId || c.Created * 1000 < cutoff,
  );
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  const volumes = ((await docker.listVolumes({ filters: { label: [label] } })).Volumes ?? []).filter(
    (v) => runId || Date.parse((v as { CreatedAt?: string }).CreatedAt ?? "") < cutoff,
  );
  // A volume still mounted by a live run's container refuses removal; that is the point.
  await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove().catch(() => undefined)));
  return containers.length + volumes.length;
}

export default async function setup(project: TestProject) {
  const cfg = loadConfig({ ...process.env, CLAWDSPACE_DATA_DIR: "/tmp/clawdspace-test" });
  const engine = createDockerEngine(cfg.docker);
  const runId = randomBytes(4).toString("hex");
  project.provide("runId", runId);
  project.provide("image", cfg.image);
  try {
    await engine.system.ping();
  } catch {
    const msg = `No Docker engine answers at ${JSON.stringify(cfg.docker)}: the integration tier cannot run.`;
    if (process.env.CI === "true") throw new Error(`${msg} CI=true, so this is a failure (run .ci/run to set the engine up).`);
    console.warn(`\n!!!!!!!!\n${msg}\nIntegration tests are SKIPPED in this local run.\n!!!!!!!!\n`);
    project.provide("engine", false);
    return;
  }
  const log = pino({ level: process.env.LOG_LEVEL ?? "info" });
  const space = await ensureSpaceImage(engine.images, { image: cfg.image, baseImage: cfg.baseImage, extraCa: cfg.extraCa }, log);
  // Built on the space image: a fresh one makes the agent image stale.
  await ensureAgentImage(engine.images, { image: cfg.agent.image, spaceImage: cfg.image, claudeCodeVersion: cfg.agent.claudeCodeVersion, force: space === "built" }, log);
  await ensureHelperImage(engine.images, { image: cfg.network.helperImage, baseImage: cfg.baseImage }, log);
  const docker = new Docker(cfg.docker);
  const swept = await sweep(docker);
  await removeRunNetworks(engine, docker, undefined, cfg.network.helperImage);
  if (swept) console.log(`swept ${swept} leftovers of earlier test runs`);
  project.provide("engine", true);
  return async () => {
    await sweep(docker, runId);
    await removeRunNetworks(engine, docker, runId, cfg.network.helperImage);
  };
}
