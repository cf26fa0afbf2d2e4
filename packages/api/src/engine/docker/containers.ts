import type Docker from "dockerode";
import { ConflictError, SpaceNotFoundError } from "../errors.js";
import { LABEL, SPACE_KIND, WORKSPACE, containerNameOf } from "../naming.js";
import type { ContainerSpec, ContainerStats, ContainerUsage, ContainersPort, RestartPolicy, SpaceRecord } from "../ports/containers.js";
import type { CgroupCpuReader } from "./cgroupCpu.js";
import type { CgroupMemoryReader } from "./cgroupMemory.js";
import type { DockerClient } from "./client.js";
import { createOptionsOf } from "./containerSpec.js";
import { computeStats, hasPrecpu, type DockerStatsDoc } from "./stats.js";
import { estimateStartedAt, foldState } from "./status.js";
import { ignoreNotModified } from "./translate.js";

/** A list entry as our record (limits from labels; NaN when the container carries none). */
function recordOfListEntry(c: Docker.ContainerInfo, now: number): SpaceRecord {
  const labels = c.Labels ?? {};
  const name = labels[LABEL.space] ?? (c.Names?.[0] ?? "").replace(/^\/clawdspace-/, "");
  const mount = c.Mounts?.find((m) => m.Destination === WORKSPACE);
  return {
    name,
    id: c.Id,
    containerName: (c.Names?.[0] ?? "").replace(/^\//, ""),
    state: foldState(c.State),
    image: c.Image,
    created: new Date(c.Created * 1000),
    startedAt: estimateStartedAt(c.Status, now),
    labels,
    volume: { name: mount?.Name ?? labels[LABEL.volume] ?? "", mountpoint: mount?.Source ?? "" },
    memory: Number(labels[LABEL.memory] ?? NaN),
    cpus: Number(labels[LABEL.cpus] ?? NaN),
  };
}

function recordOfInspect(name: string, info: Docker.ContainerInspectInfo): SpaceRecord {
  const labels = info.Config?.Labels ?? {};
  const mount = info.Mounts?.find((m) => m.Destination === WORKSPACE);
  const startedAt = info.State?.StartedAt && !info.State.StartedAt.startsWith("0001") ? new Date(info.State.StartedAt) : null;
  const host = info.HostConfig ?? {};
  const cpus = host.NanoCpus ? host.NanoCpus / 1e9 : host.CpuQuota && host.CpuPeriod ? host.CpuQuota / host.CpuPeriod : 0;
  return {
    name,
    id: info.Id,
    containerName: info.Name.replace(/^\//, ""),
    state: foldState(info.State?.Status),
    image: info.Config?.Image ?? "",
    created: new Date(info.Created),
    startedAt,
    labels,
    volume: { name: mount?.Name ?? labels[LABEL.volume] ?? "", mountpoint: mount?.Source ?? "" },
    memory: host.Memory ?? Number(labels[LABEL.memory] ?? 0),
    cpus,
  };
}

/** Spaces' containers on a Docker engine. */
export class DockerContainers implements ContainersPort {
  /** Limits of containers made without our setting labels (made by Clawdspace), read once by inspect. */
  private readonly legacyLimits = new Map<string, { memory: number; cpus: number }>();

  /**
   * @param scope extra `key=value` label filters for listing: a test run or a benchmark sees
   *   (and its sleep worker acts on) only the spaces it made, never a developer's real ones.
   * @param cgroups only a local engine's cgroups are this host's; null for a remote one.
   */
  constructor(
    private readonly client: DockerClient,
    private readonly scope: string[],
    private readonly cgroups: { cpu: CgroupCpuReader; memory: CgroupMemoryReader } | null,
  ) {
    client.resolve = async (name) => (await this.inspect(name)).id;
  }

  async list(): Promise<SpaceRecord[]> {
    const { docker } = this.client;
    const containers = await this.client.call("list", () =>
      docker.listContainers({ all: true, filters: { label: [`${LABEL.kind}=${SPACE_KIND}`, ...this.scope] } }),
    );
    const now = Date.now();
    const records = containers.map((c) => {
      const r = recordOfListEntry(c, now);
      this.client.remember(r.name, r.id);
      return r;
    });
    // Containers made by Clawdspace carry no limit labels: inspect each once, then remember.
    await Promise.all(
      records
        .filter((r) => Number.isNaN(r.memory) || Number.isNaN(r.cpus))
        .map(async (r) => {
          let limits = this.legacyLimits.get(r.id);
          if (!limits) {
            const full = await this.inspect(r.name).catch(() => null);
            limits = { memory: full?.memory ?? 0, cpus: full?.cpus ?? 0 };
            this.legacyLimits.set(r.id, limits);
          }
          r.memory = limits.memory;
          r.cpus = limits.cpus;
        }),
    );
    return records;
  }

  async inspect(name: string): Promise<SpaceRecord> {
    const info = await this.client.call(
      "inspect",
      () => this.client.docker.getContainer(containerNameOf(name)).inspect(),
      () => new SpaceNotFoundError(name),
    );
    if (info.Config?.Labels?.[LABEL.kind] !== SPACE_KIND) throw new SpaceNotFoundError(name);
    this.client.remember(name, info.Id);
    return recordOfInspect(name, info);
  }

  async create(spec: ContainerSpec): Promise<{ id: string }> {
    const container = await this.client.call("create", () => this.client.docker.createContainer(createOptionsOf(spec)));
    this.client.remember(spec.name, container.id);
    return { id: container.id };
  }

  async start(name: string): Promise<void> {
    await ignoreNotModified(() => this.client.onContainer(name, "start", (c) => c.start()));
  }

  async pause(name: string): Promise<void> {
    await this.client.onContainer(name, "pause", (c) => c.pause()).catch((e) => {
      if (e instanceof ConflictError && e.reason === "paused") return;
      throw e;
    });
  }

  async unpause(name: string): Promise<void> {
    await this.client.onContainer(name, "unpause", (c) => c.unpause()).catch((e) => {
      if (e instanceof ConflictError && /not paused/i.test(e.message)) return;
      throw e;
    });
  }

  async stop(name: string, graceSeconds: number): Promise<void> {
    await ignoreNotModified(() => this.client.onContainer(name, "stop", (c) => c.stop({ t: graceSeconds })));
  }

  async setRestartPolicy(name: string, policy: RestartPolicy): Promise<void> {
    await this.client.onContainer(name, "update", (c) => c.update({ RestartPolicy: { Name: policy } }));
  }

  async remove(name: string): Promise<void> {
    await this.client.onContainer(name, "remove", (c) => c.remove({ force: true, v: false }));
    this.client.forget(name);
  }

  async stats(name: string): Promise<ContainerStats> {
    // One read: without one-shot the engine samples twice and hands both (cpu_stats and precpu_stats).
    const read = async () => (await this.client.onContainer(name, "stats", (c) => c.stats({ stream: false }))) as unknown as DockerStatsDoc;
    const doc = await read();
    if (hasPrecpu(doc) || doc.cpu_stats?.system_cpu_usage === undefined) return computeStats(doc);
    // Fallback: an engine that answered without a previous sample (20.10 on a freshly started container,
    // or with one-shot forced by a proxy) gets a second read, and the first one serves as the previous sample.
    return computeStats(await read(), doc);
  }

  async cpuUsage(name: string): Promise<number> {
    const id = await this.client.idOf(name);
    const fromFile = await this.cgroups?.cpu.read(id);
    if (fromFile !== null && fromFile !== undefined) {
      this.client.noteLocal("cgroupRead");
      return fromFile;
    }
    return (await this.oneShot(name, "cpuUsage")).cpu_stats?.cpu_usage?.total_usage ?? 0;
  }

  async usage(name: string): Promise<ContainerUsage> {
    const id = await this.client.idOf(name);
    const [cpuNs, memory] = await Promise.all([this.cgroups?.cpu.read(id), this.cgroups?.memory.read(id)]);
    if (typeof cpuNs === "number" && memory) {
      this.client.noteLocal("cgroupRead");
      return { cpuNs, ...memory };
    }
    const doc = await this.oneShot(name, "usage");
    const s = computeStats(doc);
    return { cpuNs: doc.cpu_stats?.cpu_usage?.total_usage ?? 0, memoryUsageBytes: s.memoryUsageBytes, memoryLimitBytes: s.memoryLimitBytes, pids: s.pids };
  }

  /** Remote engine: one stats read (one-shot skips the second sample; 20.10 still waits for its collector tick). */
  private async oneShot(name: string, op: string): Promise<DockerStatsDoc> {
    return (await this.client.onContainer(name, op, (c) => c.stats({ stream: false, "one-shot": true } as { stream: false }))) as unknown as DockerStatsDoc;
  }
}
