import type { Engine, EngineEndpoint } from "../engine.js";
import { AGENT_BINARY } from "../naming.js";
import { ExecFiles } from "../files/execFiles.js";
import { InternalExec } from "../internalExec.js";
import { CgroupCpuReader } from "./cgroupCpu.js";
import { CgroupMemoryReader } from "./cgroupMemory.js";
import { DockerClient, type CallObserver } from "./client.js";
import { DockerContainers } from "./containers.js";
import { DockerExec } from "./exec.js";
import { DockerHelpers } from "./helpers.js";
import { DockerImages } from "./images.js";
import { DockerNetworks } from "./networks.js";
import { DockerSystem } from "./system.js";
import { DockerVolumes } from "./volumes.js";

export interface DockerEngineOptions {
  /** Extra `key=value` label filters for listing spaces (a test run's or a benchmark's own). */
  scope?: string[];
  /** Told of every engine call by name (the benchmark counts them). */
  onCall?: CallObserver;
}

/** The engine on Docker: every role over one connection, files over its exec. */
export function createDockerEngine(endpoint: EngineEndpoint = {}, opts: DockerEngineOptions = {}): Engine {
  const client = new DockerClient(endpoint, opts.onCall);
  const local = Boolean(endpoint.socketPath || !endpoint.host);
  const exec = new DockerExec(client);
  return {
    containers: new DockerContainers(client, opts.scope ?? [], local ? { cpu: new CgroupCpuReader(), memory: new CgroupMemoryReader() } : null),
    volumes: new DockerVolumes(client),
    exec,
    images: new DockerImages(client),
    networks: new DockerNetworks(client),
    helpers: new DockerHelpers(client),
    // Workspace files through exec as the space's user (see execFiles.ts for why not the archive API).
    // Streamed bodies: no cap or deadline (backpressure and the client bound them), but never the space's PATH.
    // Where the space's image carries the agent binary, its `files` command does the work (confined with openat).
    files: new ExecFiles(new InternalExec(exec, { maxBytes: Infinity, deadlineMs: 0 }), { binary: AGENT_BINARY }),
    system: new DockerSystem(client),
  };
}
