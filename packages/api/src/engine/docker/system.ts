import type { EngineInfo, SystemPort } from "../ports/system.js";
import type { DockerClient } from "./client.js";

/** The Docker engine's own facts. */
export class DockerSystem implements SystemPort {
  constructor(private readonly client: DockerClient) {}

  async ping(): Promise<void> {
    await this.client.call("ping", () => this.client.docker.ping());
  }

  async info(): Promise<EngineInfo> {
    const { docker } = this.client;
    const [info, version] = await Promise.all([this.client.call("info", () => docker.info()), this.client.call("version", () => docker.version())]);
    return {
      version: version.Version,
      apiVersion: version.ApiVersion,
      cpus: info.NCPU,
      memoryBytes: info.MemTotal,
      containers: info.Containers,
      containersRunning: info.ContainersRunning,
      containersPaused: info.ContainersPaused,
      images: info.Images,
      runtimes: Object.keys(info.Runtimes ?? {}),
      os: info.OperatingSystem,
    };
  }
}
