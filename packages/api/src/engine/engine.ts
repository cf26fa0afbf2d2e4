import type { ContainersPort } from "./ports/containers.js";
import type { ExecPort } from "./ports/exec.js";
import type { FilesPort } from "./ports/files.js";
import type { HelpersPort } from "./ports/helpers.js";
import type { ImagesPort } from "./ports/images.js";
import type { NetworksPort } from "./ports/networks.js";
import type { SystemPort } from "./ports/system.js";
import type { VolumesPort } from "./ports/volumes.js";

/**
 * The engine as a set of roles. Built in one place (docker/createDockerEngine in production,
 * the in-memory world in tests); each service is handed only the roles it uses.
 */
export interface Engine {
  containers: ContainersPort;
  volumes: VolumesPort;
  exec: ExecPort;
  images: ImagesPort;
  networks: NetworksPort;
  helpers: HelpersPort;
  files: FilesPort;
  system: SystemPort;
}

/** Where the engine listens: DOCKER_HOST parsed (config.ts) into what the adapter connects to. */
export interface EngineEndpoint {
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: "http" | "https";
}
