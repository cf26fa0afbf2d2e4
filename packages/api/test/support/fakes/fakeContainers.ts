import { randomBytes } from "node:crypto";
import { ConflictError, ImageNotFoundError, InvalidSpecError } from "../../../src/engine/errors.js";
import { containerNameOf } from "../../../src/engine/naming.js";
import type { ContainerSpec, ContainerStats, ContainerUsage, ContainersPort, RestartPolicy, SpaceRecord } from "../../../src/engine/ports/containers.js";
import type { FakeWorld } from "./world.js";

/** Containers in memory, with the engine's refusals (missing image, name taken, too little memory). */
export class FakeContainers implements ContainersPort {
  constructor(protected readonly world: FakeWorld) {}

  async list(): Promise<SpaceRecord[]> {
    this.world.enter("list");
    return [...this.world.containers.entries()].map(([name, c]) => this.world.record(name, c));
  }

  async inspect(name: string): Promise<SpaceRecord> {
    this.world.enter("inspect");
    return this.world.record(name, this.world.get(name));
  }

  async create(spec: ContainerSpec): Promise<{ id: string }> {
    this.world.enter("create");
    if (!this.world.images.has(spec.image)) throw new ImageNotFoundError(spec.image);
    if (spec.memory < 6 * 1024 ** 2) throw new InvalidSpecError("Minimum memory limit allowed is 6MB");
    if (this.world.containers.has(spec.name)) throw new ConflictError(`The container name "/${containerNameOf(spec.name)}" is already in use`, "exists");
    const id = randomBytes(32).toString("hex");
    this.world.containers.set(spec.name, { id, spec, state: "stopped", created: new Date(), startedAt: null });
    return { id };
  }

  async start(name: string): Promise<void> {
    this.world.enter("start");
    const c = this.world.get(name);
    if (c.state === "paused") throw new ConflictError(`Container ${name} is paused`, "paused");
    if (c.state === "stopped") {
      c.state = "running";
      c.startedAt = new Date();
    }
  }

  async pause(name: string): Promise<void> {
    this.world.enter("pause");
    const c = this.world.get(name);
    if (c.state === "stopped") throw new ConflictError(`Container ${name} is not running`, "not-running");
    c.state = "paused";
  }

  async unpause(name: string): Promise<void> {
    this.world.enter("unpause");
    const c = this.world.get(name);
    if (c.state === "paused") c.state = "running";
  }

  async stop(name: string): Promise<void> {
    this.world.enter("stop");
    this.world.get(name).state = "stopped";
  }

  async setRestartPolicy(name: string, policy: RestartPolicy): Promise<void> {
    this.world.enter("setRestartPolicy");
    this.world.get(name).restartPolicy = policy;
  }

  async remove(name: string): Promise<void> {
    this.world.enter("remove");
    this.world.get(name);
    this.world.containers.delete(name);
  }

  async stats(name: string): Promise<ContainerStats> {
    this.world.enter("stats");
    const c = this.world.get(name);
    return {
      cpuPercent: c.state === "running" ? 1.5 : 0,
      memoryUsageBytes: 32 * 1024 ** 2,
      memoryLimitBytes: c.spec.memory,
      pids: c.state === "stopped" ? 0 : 2,
      networkRxBytes: 0,
      networkTxBytes: 0,
      blockReadBytes: 0,
      blockWriteBytes: 0,
    };
  }

  async cpuUsage(name: string): Promise<number> {
    this.world.enter("cpuUsage");
    this.world.get(name);
    return this.world.cpuNs.get(name) ?? 0;
  }

  async usage(name: string): Promise<ContainerUsage> {
    this.world.enter("usage");
    const c = this.world.get(name);
    return { cpuNs: this.world.cpuNs.get(name) ?? 0, memoryUsageBytes: this.world.memoryBytes.get(name) ?? 32 * 1024 ** 2, memoryLimitBytes: c.spec.memory, pids: c.state === "stopped" ? 0 : 2 };
  }
}
