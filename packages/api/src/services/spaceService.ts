import type { CreateSpaceInput, Space, WakeTier } from "@clawdspace/shared";
import type { Logger } from "pino";
import { HttpError } from "../http/httpError.js";
import { ConflictError, SpaceNotFoundError } from "../runtime/errors.js";
import { LABEL, SPACE_KIND, VOLUME_KIND, volumeNameOf } from "../runtime/naming.js";
import type { SpaceRecord, SpaceRuntime } from "../runtime/types.js";
import { KeyedLock } from "../util/keyedLock.js";
import type { ActivityTracker } from "./activity.js";
import type { HostFacts } from "./hostFacts.js";
import { toSpaceView } from "./spaceView.js";

export interface SpaceServiceOptions {
  image: string;
  defaultMemory: number;
  defaultCpus: number;
  pidsLimit: number;
  node: string;
  extraLabels: Record<string, string>;
}

const MIN_MEMORY = 6 * 1024 ** 2;

/** Lifecycle of spaces: validation against the host, locking, rollback, wake-on-demand. */
export class SpaceService {
  private readonly lock = new KeyedLock();
  private readonly creating = new Set<string>();
  /** Who paused a space; the sleep worker will persist this. */
  private readonly pausedBy = new Map<string, "user" | "idle">();

  constructor(
    private readonly runtime: SpaceRuntime,
    private readonly activity: ActivityTracker,
    private readonly host: HostFacts,
    private readonly opts: SpaceServiceOptions,
    private readonly log: Logger,
  ) {}

  view(r: SpaceRecord): Space {
    return toSpaceView(r, {
      node: this.opts.node,
      activity: this.activity.lastActivity(r.name),
      pausedBy: this.pausedBy.get(r.name),
    });
  }

  async list(): Promise<Space[]> {
    const records = await this.runtime.list();
    return records.map((r) => this.view(r)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<Space> {
    return this.view(await this.runtime.inspect(name));
  }

  async create(input: CreateSpaceInput): Promise<Space> {
    const { name } = input;
    // A second create while one is in flight is a conflict at once, not a queued duplicate.
    if (this.creating.has(name)) throw new HttpError(409, "SPACE_EXISTS", `Space "${name}" is being created`);
    this.creating.add(name);
    try {
      return await this.lock.run(name, () => this.createLocked(input));
    } finally {
      this.creating.delete(name);
    }
  }

  private async createLocked(input: CreateSpaceInput): Promise<Space> {
    const { name } = input;
    const memory = input.memory ?? this.opts.defaultMemory;
    const cpus = input.cpus ?? this.opts.defaultCpus;
    await this.checkLimits(memory, cpus);

    const volumeName = volumeNameOf(name);
    const labels: Record<string, string> = {
      ...this.opts.extraLabels,
      [LABEL.kind]: SPACE_KIND,
      [LABEL.space]: name,
      [LABEL.volume]: volumeName,
      [LABEL.memory]: String(memory),
      [LABEL.cpus]: String(cpus),
      [LABEL.gpu]: String(input.gpu ?? false),
      [LABEL.node]: this.opts.node,
    };
    if (input.template) labels[LABEL.template] = input.template;

    const existing = await this.runtime.inspectVolume(volumeName);
    if (existing && existing.labels[LABEL.kind] !== VOLUME_KIND) {
      throw new HttpError(409, "SPACE_EXISTS", `A volume named "${volumeName}" exists and was not made by Clawdspace`);
    }
    const volume = existing ?? (await this.runtime.createVolume(volumeName, { ...this.opts.extraLabels, [LABEL.space]: name }));
    const image = input.image ?? this.opts.image;
    const spec = {
      name,
      image,
      memory,
      cpus,
      pidsLimit: this.opts.pidsLimit,
      tmpfsBytes: Math.max(64 * 1024 ** 2, Math.floor(memory / 4)),
      env: input.env ?? {},
      labels,
      volumeName,
      gpu: input.gpu ?? false,
    };

    let id: string;
    try {
      ({ id } = await this.runtime.create(spec));
      try {
        await this.runtime.start(name);
      } catch (e) {
        await this.runtime.remove(name).catch((err) => this.log.warn({ err, space: name }, "rollback: container removal failed"));
        throw e;
      }
    } catch (e) {
      // Only a volume this call made goes away; an adopted one keeps its data.
      if (!existing) {
        await this.runtime.removeVolume(volumeName).catch((err) => this.log.warn({ err, space: name }, "rollback: volume removal failed"));
      }
      throw e;
    }
    this.pausedBy.delete(name);
    this.activity.record(name, "create");
    this.log.info({ space: name, image, memory, cpus, adoptedVolume: Boolean(existing) }, "space created");
    const now = new Date();
    return this.view({
      name,
      id,
      containerName: `clawdspace-${name}`,
      state: "running",
      image,
      created: now,
      startedAt: now,
      labels,
      volume: { name: volume.name, mountpoint: volume.mountpoint },
      memory,
      cpus,
    });
  }

  private async checkLimits(memory: number, cpus: number): Promise<void> {
    const host = await this.host.get();
    const issues: Array<{ path: string; message: string }> = [];
    if (memory < MIN_MEMORY) issues.push({ path: "memory", message: "memory must be at least 6m (the engine's minimum)" });
    if (host.memoryBytes > 0 && memory > host.memoryBytes) {
      issues.push({ path: "memory", message: `memory exceeds the host's ${Math.floor(host.memoryBytes / 1024 ** 2)}m` });
    }
    if (host.cpus > 0 && cpus > host.cpus) issues.push({ path: "cpus", message: `cpus exceeds the host's ${host.cpus} CPUs` });
    if (cpus < 0.01) issues.push({ path: "cpus", message: "cpus must be at least 0.01" });
    if (issues.length) {
      throw new HttpError(400, "VALIDATION_FAILED", `Invalid request body: ${issues[0]!.path}: ${issues[0]!.message}`, { issues });
    }
  }

  async remove(name: string, removeVolume: boolean): Promise<string> {
    return this.lock.run(name, async () => {
      const record = await this.runtime.inspect(name);
      await this.runtime.remove(name);
      this.pausedBy.delete(name);
      this.activity.forget(name);
      if (removeVolume && record.volume.name) await this.runtime.removeVolume(record.volume.name);
      this.log.info({ space: name, removeVolume }, "space destroyed");
      return removeVolume ? `Space ${name} destroyed with its volume` : `Space ${name} destroyed; volume ${record.volume.name} kept`;
    });
  }

  /** Pauses a space on a person's request; pausing a paused space is a no-op. */
  async pause(name: string, by: "user" | "idle" = "user"): Promise<string> {
    return this.lock.run(name, async () => {
      const record = await this.runtime.inspect(name);
      if (record.state === "stopped") {
        throw new HttpError(409, "SPACE_STATE_CONFLICT", `Space ${name} is stopped; there is nothing to pause (start it first)`);
      }
      if (record.state === "paused") return `Space ${name} is already paused`;
      await this.runtime.pause(name);
      this.pausedBy.set(name, by);
      this.log.info({ space: name, by }, "space paused");
      return `Space ${name} paused`;
    });
  }

  /** Resumes a paused space or starts a stopped one; reports which wake it took. */
  async start(name: string): Promise<{ message: string; wake?: WakeTier }> {
    const wake = await this.wake(name, "start");
    this.activity.record(name, "start");
    if (!wake) return { message: `Space ${name} is already running` };
    return { message: `Space ${name} ${wake === "warm" ? "resumed" : "started"}`, wake };
  }

  /** Brings a space to running from either tier; undefined when it already ran. */
  async wake(name: string, cause: string): Promise<WakeTier | undefined> {
    return this.lock.run(name, async () => {
      const record = await this.runtime.inspect(name);
      return this.wakeRecord(record, cause);
    });
  }

  /** Wake after the engine refused an exec because the space sleeps (saves an inspect on the hot path). */
  async wakeAfterConflict(name: string, err: unknown, cause: string): Promise<WakeTier> {
    if (!(err instanceof ConflictError) || (err.reason !== "paused" && err.reason !== "not-running")) throw err;
    const tier = await this.wake(name, cause);
    return tier ?? "warm";
  }

  private async wakeRecord(record: SpaceRecord, cause: string): Promise<WakeTier | undefined> {
    const name = record.name;
    if (record.state === "running") return undefined;
    const tier: WakeTier = record.state === "paused" ? "warm" : "cold";
    if (tier === "warm") await this.runtime.unpause(name);
    else await this.runtime.start(name);
    this.pausedBy.delete(name);
    this.log.info({ space: name, tier, cause }, "space woken");
    return tier;
  }

  async stats(name: string) {
    return this.runtime.stats(name);
  }

  async exists(name: string): Promise<boolean> {
    try {
      await this.runtime.inspect(name);
      return true;
    } catch (e) {
      if (e instanceof SpaceNotFoundError) return false;
      throw e;
    }
  }
}
