import type { EngineInfo, SystemPort } from "../../../src/engine/ports/system.js";
import type { FakeWorld } from "./world.js";

/** The engine's facts as the world's fields say (host size, runtimes). */
export class FakeSystem implements SystemPort {
  constructor(private readonly world: FakeWorld) {}

  async ping(): Promise<void> {
    this.world.enter("ping");
  }

  async info(): Promise<EngineInfo> {
    this.world.enter("info");
    const all = [...this.world.containers.values()];
    return {
      version: "fake",
      apiVersion: "1.41",
      cpus: this.world.hostCpus,
      memoryBytes: this.world.hostMemory,
      containers: all.length,
      containersRunning: all.filter((c) => c.state === "running").length,
      containersPaused: all.filter((c) => c.state === "paused").length,
      images: this.world.images.size,
      runtimes: [...this.world.runtimes],
      os: "fake",
    };
  }
}
