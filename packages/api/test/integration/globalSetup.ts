import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { pino } from "pino";
import type { TestProject } from "vitest/node";
import { loadConfig } from "../../src/config.js";
import { DockerSpaceRuntime } from "../../src/runtime/docker/dockerRuntime.js";
import { ensureSpaceImage } from "../../src/services/imageBuilder.js";

export const RUN_LABEL = "clawdspace.test-run";

declare module "vitest" {
  export interface ProvidedContext {
    engine: boolean;
    runId: string;
    image: string;
  }
}

/** Removes what carries our test label: every earlier run's leftovers, or only this run's. */
export async function sweep(docker: Docker, runId?: string): Promise<number> {
  const label = runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL;
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  const { Volumes } = await docker.listVolumes({ filters: { label: [label] } });
  await Promise.all((Volumes ?? []).map((v) => docker.getVolume(v.Name).remove().catch(() => undefined)));
  return containers.length + (Volumes?.length ?? 0);
}

export default async function setup(project: TestProject) {
  const cfg = loadConfig({ ...process.env, CLAWDSPACE_DATA_DIR: "/tmp/clawdspace-test" });
  const runtime = new DockerSpaceRuntime(cfg.docker);
  const runId = randomBytes(4).toString("hex");
  project.provide("runId", runId);
  project.provide("image", cfg.image);
  try {
    await runtime.ping();
  } catch {
    const msg = `No Docker engine answers at ${JSON.stringify(cfg.docker)}: the integration tier cannot run.`;
    if (process.env.CI === "true") throw new Error(`${msg} CI=true, so this is a failure (run .ci/run to set the engine up).`);
    console.warn(`\n!!!!!!!!\n${msg}\nIntegration tests are SKIPPED in this local run.\n!!!!!!!!\n`);
    project.provide("engine", false);
    return;
  }
  const log = pino({ level: process.env.LOG_LEVEL ?? "info" });
  await ensureSpaceImage(runtime, { image: cfg.image, baseImage: cfg.baseImage, extraCa: cfg.extraCa }, log);
  const docker = new Docker(cfg.docker);
  const swept = await sweep(docker);
  if (swept) console.log(`swept ${swept} leftovers of earlier test runs`);
  project.provide("engine", true);
  return async () => {
    await sweep(docker, runId);
  };
}
