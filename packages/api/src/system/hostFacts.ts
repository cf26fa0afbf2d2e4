import type { EngineInfo } from "../engine/ports/system.js";
import type { SystemPort } from "../engine/ports/system.js";

/** The engine runtime that marks a GPU node (the NVIDIA Container Toolkit registers it). */
export const GPU_RUNTIME = "nvidia";

/** The engine host's CPU count and memory, read once: they bound every create and do not change while we run. */
export class HostFacts {
  private cached: Promise<EngineInfo> | null = null;

  constructor(private readonly system: SystemPort) {}

  get(): Promise<EngineInfo> {
    if (!this.cached) {
      this.cached = this.system.info();
      this.cached.catch(() => {
        this.cached = null;
      });
    }
    return this.cached;
  }
}
