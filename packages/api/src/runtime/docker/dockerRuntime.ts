import Docker from "dockerode";
import { pack } from "tar-stream";
import {
  ConflictError,
  ImageNotFoundError,
  InvalidSpecError,
  RuntimeError,
  RuntimeUnavailableError,
  SpaceNotFoundError,
  type ConflictReason,
} from "../errors.js";
import { HELPER_KIND, LABEL, NETWORK_KIND, SPACE_KIND, VOLUME_KIND, WORKSPACE, containerNameOf } from "../naming.js";
import type {
  ContainerSpec,
  GpuSpec,
  ContainerStats,
  EngineInfo,
  ExecOutcome,
  TtyProcess,
  TtySpec,
  ExecSpec,
  HelperSpec,
  ImageBuildSpec,
  NetworkInfo,
  NetworkSpec,
  OutputSink,
  SpaceRecord,
  SpaceRuntime,
  VolumeInfo,
} from "../types.js";
import { ExecFileOps } from "../execFiles.js";
import { CgroupCpuReader } from "./cgroupCpu.js";
import { StreamDemuxer } from "./demux.js";
import { computeStats, hasPrecpu, type DockerStatsDoc } from "./stats.js";
import { estimateStartedAt, foldState } from "./status.js";

export interface DockerConnection {
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: "http" | "https";
}

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ENOENT", "EACCES", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

interface DockerApiError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  reason?: string;
  message?: string;
}

function engineMessage(err: DockerApiError): string {
  return err.json?.message ?? err.reason ?? err.message ?? "unknown engine error";
}

/**
 * SpaceRuntime on a Docker engine. The only module that imports dockerode: every
 * engine failure leaves here as one of our typed errors.
 */
export class DockerSpaceRuntime implements SpaceRuntime {
  private readonly docker: Docker;
  /** Container ids of spaces whose labels we verified; ops go by id so a same-named stranger is never touched. */
  private readonly ids = new Map<string, string>();
  /** Limits of containers made without our setting labels (made by Clawdspace), read once by inspect. */
  private readonly legacyLimits = new Map<string, { memory: number; cpus: number }>();
  private readonly calls: Record<string, number> = {};
  /** Only a local engine's cgroups are this host's. */
  private readonly cgroups: CgroupCpuReader | null;
  /** Workspace files through exec as the space's user (see execFiles.ts for why not the archive API). */
  private readonly files = new ExecFileOps((name, spec, sink, signal) => this.exec(name, spec, sink, signal));
  readonly listFiles = this.files.listFiles.bind(this.files);
  readonly readFile = this.files.readFile.bind(this.files);
  readonly writeFile = this.files.writeFile.bind(this.files);
  readonly removePath = this.files.removePath.bind(this.files);
  readonly makeDir = this.files.makeDir.bind(this.files);
  readonly movePath = this.files.movePath.bind(this.files);
  readonly getArchive = this.files.getArchive.bind(this.files);
  readonly putArchive = this.files.putArchive.bind(this.files);

  /**
   * @param scope extra `key=value` label filters for listing: a test run or a benchmark sees
   *   (and its sleep worker acts on) only the spaces it made, never a developer's real ones.
   */
  constructor(
    connection: DockerConnection = {},
    private readonly scope: string[] = [],
  ) {
    this.docker = new Docker(connection);
    this.cgroups = connection.socketPath || !connection.host ? new CgroupCpuReader() : null;
  }

  callCounts(): Record<string, number> {
    return { ...this.calls };
  }

  /** Counts the engine call and translates its failure into our errors. */
  private async call<T>(op: string, fn: () => Promise<T>, on404?: () => RuntimeError): Promise<T> {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
    try {
      return await fn();
    } catch (e) {
      throw this.translate(e as DockerApiError, on404);
    }
  }

  private translate(err: DockerApiError, on404?: () => RuntimeError): Error {
    if (err instanceof RuntimeError) return err;
    if (err.code && UNAVAILABLE_CODES.has(err.code)) return new RuntimeUnavailableError(err);
    const msg = engineMessage(err);
    switch (err.statusCode) {
      case 404:
        if (/no such image/i.test(msg)) return new ImageNotFoundError(msg.replace(/^no such image:\s*/i, ""));
        return on404 ? on404() : new RuntimeError(msg);
      case 409: {
        const reason = conflictReason(msg);
        const plain: Partial<Record<ConflictReason, string>> = {
          paused: "The space is paused",
          "not-running": "The space is not running",
          exists: "A container with this space's name already exists",
        };
        return new ConflictError(plain[reason] ?? msg, reason);
      }
      case 400:
        return new InvalidSpecError(msg);
      default:
        if (/minimum memory|range of cpus|cpus available/i.test(msg)) return new InvalidSpecError(msg);
        if (/could not select device driver/i.test(msg)) return new InvalidSpecError(`this node cannot give a space a GPU (${msg})`);
        return new RuntimeError(msg, { cause: err });
    }
  }

  async ping(): Promise<void> {
    await this.call("ping", () => this.docker.ping());
  }

  async engineInfo(): Promise<EngineInfo> {
    const [info, version] = await Promise.all([
      this.call("info", () => this.docker.info()),
      this.call("version", () => this.docker.version()),
    ]);
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

  async list(): Promise<SpaceRecord[]> {
    const containers = await this.call("list", () =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABEL.kind}=${SPACE_KIND}`, ...this.scope] } }),
    );
    const now = Date.now();
    const records = containers.map((c) => {
      const labels = c.Labels ?? {};
      const name = labels[LABEL.space] ?? (c.Names?.[0] ?? "").replace(/^\/clawdspace-/, "");
      const mount = c.Mounts?.find((m) => m.Destination === WORKSPACE);
      this.ids.set(name, c.Id);
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
      } satisfies SpaceRecord;
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
    const info = await this.call(
      "inspect",
      () => this.docker.getContainer(containerNameOf(name)).inspect(),
      () => new SpaceNotFoundError(name),
    );
    const labels = info.Config?.Labels ?? {};
    if (labels[LABEL.kind] !== SPACE_KIND) throw new SpaceNotFoundError(name);
    this.ids.set(name, info.Id);
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

  async inspectVolume(volumeName: string): Promise<VolumeInfo | null> {
    try {
      const v = await this.call("volumeInspect", () => this.docker.getVolume(volumeName).inspect(), () => new RuntimeError("absent"));
      return { name: v.Name, mountpoint: v.Mountpoint, labels: v.Labels ?? {} };
    } catch (e) {
      if (e instanceof RuntimeError && e.message === "absent") return null;
      throw e;
    }
  }

  async createVolume(volumeName: string, labels: Record<string, string>): Promise<VolumeInfo> {
    const all = { ...labels, [LABEL.kind]: VOLUME_KIND };
    await this.call("volumeCreate", () => this.docker.createVolume({ Name: volumeName, Labels: all }));
    // dockerode hands back only a handle, so read the mountpoint back (a local call, small next to a container start).
    return (await this.inspectVolume(volumeName)) ?? { name: volumeName, mountpoint: "", labels: all };
  }

  async removeVolume(volumeName: string): Promise<void> {
    const v = await this.inspectVolume(volumeName);
    if (!v) return;
    if (v.labels[LABEL.kind] !== VOLUME_KIND) {
      throw new ConflictError(`Volume "${volumeName}" does not carry our label; refusing to remove it`, "other");
    }
    await this.call("volumeRemove", () => this.docker.getVolume(volumeName).remove(), () => new RuntimeError("absent")).catch((e) => {
      if (!(e instanceof RuntimeError && e.message === "absent")) throw e;
    });
  }

  async create(spec: ContainerSpec): Promise<{ id: string }> {
    const container = await this.call("create", () =>
      this.docker.createContainer({
        name: containerNameOf(spec.name),
        Hostname: spec.name,
        Image: spec.image,
        WorkingDir: WORKSPACE,
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: spec.labels,
        HostConfig: {
          Mounts: [
            { Type: "volume", Source: spec.volumeName, Target: WORKSPACE },
            ...(spec.binds ?? []).map((b) => ({ Type: "bind" as const, Source: b.source, Target: b.target, ReadOnly: b.readOnly })),
          ],
          Memory: spec.memory,
          MemorySwap: spec.memory,
          NanoCpus: Math.round(spec.cpus * 1e9),
          PidsLimit: spec.pidsLimit,
          // relaxed keeps the engine's default capability set and lets an exec as root use it (no-new-privileges
          // would keep root's execve from gaining the capabilities), so root in the space can apt-get install
          SecurityOpt: spec.privileges === "strict" ? ["no-new-privileges=true"] : [],
          CapDrop: spec.privileges === "strict" ? ["ALL"] : undefined,
          ReadonlyRootfs: spec.readOnlyRootfs,
          Tmpfs: tmpfsOf(spec),
          RestartPolicy: { Name: "unless-stopped" },
          Init: true,
          NetworkMode: spec.network === "none" ? "none" : spec.networkName,
          Runtime: spec.runtime && spec.runtime !== "runc" ? spec.runtime : undefined,
          DeviceRequests: deviceRequestsOf(spec.gpu),
        },
      }),
    );
    this.ids.set(spec.name, container.id);
    return { id: container.id };
  }

  /** The container id of a space whose labels we verified (an inspect the first time). */
  private async idOf(name: string): Promise<string> {
    return this.ids.get(name) ?? (await this.inspect(name)).id;
  }

  /** Runs an op against the verified container id, re-resolving once if the cached id went stale. */
  private async onContainer<T>(name: string, op: string, fn: (c: Docker.Container) => Promise<T>): Promise<T> {
    const cached = this.ids.get(name);
    const id = await this.idOf(name);
    try {
      return await this.call(op, () => fn(this.docker.getContainer(id)), () => new SpaceNotFoundError(name));
    } catch (e) {
      if (!(e instanceof SpaceNotFoundError) || !cached) throw e;
      this.ids.delete(name);
      const fresh = (await this.inspect(name)).id;
      return this.call(op, () => fn(this.docker.getContainer(fresh)), () => new SpaceNotFoundError(name));
    }
  }

  async start(name: string): Promise<void> {
    await this.ignoreStatus(304, () => this.onContainer(name, "start", (c) => c.start()));
  }

  async pause(name: string): Promise<void> {
    await this.onContainer(name, "pause", (c) => c.pause()).catch((e) => {
      if (e instanceof ConflictError && e.reason === "paused") return;
      throw e;
    });
  }

  async unpause(name: string): Promise<void> {
    await this.onContainer(name, "unpause", (c) => c.unpause()).catch((e) => {
      if (e instanceof ConflictError && /not paused/i.test(e.message)) return;
      throw e;
    });
  }

  async stop(name: string, graceSeconds: number): Promise<void> {
    await this.ignoreStatus(304, () => this.onContainer(name, "stop", (c) => c.stop({ t: graceSeconds })));
  }

  async remove(name: string): Promise<void> {
    await this.onContainer(name, "remove", (c) => c.remove({ force: true, v: false }));
    this.ids.delete(name);
  }

  /** Docker answers 304 for "already started/stopped": the state we wanted. */
  private async ignoreStatus(status: number, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      const cause = (e as { cause?: DockerApiError }).cause;
      if (cause?.statusCode === status) return;
      throw e;
    }
  }

  async exec(name: string, spec: ExecSpec, sink: OutputSink, signal?: AbortSignal): Promise<ExecOutcome> {
    const withStdin = spec.stdin !== undefined;
    const exec = await this.onContainer(name, "execCreate", (c) =>
      c.exec({
        Cmd: spec.argv,
        AttachStdout: true,
        AttachStderr: true,
        AttachStdin: withStdin,
        Tty: false,
        WorkingDir: spec.cwd,
        Env: spec.env ? Object.entries(spec.env).map(([k, v]) => `${k}=${v}`) : undefined,
        User: spec.user,
      }),
    );
    const stream = await this.call("execStart", () => exec.start({ hijack: withStdin, stdin: withStdin }));
    if (Buffer.isBuffer(spec.stdin)) stream.end(spec.stdin);
    else if (spec.stdin) {
      const input = spec.stdin;
      input.on("error", () => stream.destroy());
      input.pipe(stream);
    }

    await new Promise<void>((resolve, reject) => {
      const demux = new StreamDemuxer((which, chunk) => {
        const wait = sink(which, chunk);
        if (wait) {
          stream.pause();
          void wait.then(() => stream.resume(), () => stream.resume());
        }
      });
      const onAbort = () => {
        stream.destroy();
        reject(signal?.reason ?? new Error("aborted"));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = (err?: Error) => {
        signal?.removeEventListener("abort", onAbort);
        if (err) reject(this.translate(err as DockerApiError));
        else resolve();
      };
      stream.on("data", (c: Buffer) => demux.push(c));
      stream.once("end", () => done());
      stream.once("close", () => done());
      stream.once("error", (e: Error) => done(e));
    });

    // The stream can end a moment before the engine records the exit code.
    for (let i = 0; ; i++) {
      const info = await this.call("execInspect", () => exec.inspect());
      if (!info.Running || i >= 100) return { exitCode: info.ExitCode ?? -1 };
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async openTty(name: string, spec: TtySpec, onOutput: (chunk: Buffer) => void): Promise<TtyProcess> {
    const exec = await this.onContainer(name, "execCreate", (c) =>
      c.exec({
        Cmd: spec.argv,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        WorkingDir: spec.cwd,
        Env: spec.env ? Object.entries(spec.env).map(([k, v]) => `${k}=${v}`) : undefined,
        User: spec.user,
      }),
    );
    // With a TTY the stream is raw (no multiplexing header): stdout and stderr are already one.
    const stream = await this.call("execStart", () => exec.start({ hijack: true, stdin: true, Tty: true }));
    const resize = (cols: number, rows: number) =>
      this.call("execResize", () => exec.resize({ w: cols, h: rows })).then(() => undefined);
    await resize(spec.cols, spec.rows).catch(() => undefined);
    const done = new Promise<ExecOutcome>((resolve) => {
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        // A stopped space makes the inspect fail or report -1: both mean "no exit code".
        void (async () => {
          for (let i = 0; i < 50; i++) {
            const info = await this.call("execInspect", () => exec.inspect()).catch(() => null);
            if (!info) return resolve({ exitCode: -1 });
            if (!info.Running) return resolve({ exitCode: info.ExitCode ?? -1 });
            await new Promise((r) => setTimeout(r, 20));
          }
          resolve({ exitCode: -1 });
        })();
      };
      stream.on("data", (c: Buffer) => onOutput(c));
      stream.once("end", finish);
      stream.once("close", finish);
      stream.once("error", finish);
    });
    return {
      write: (data) => {
        if (!stream.destroyed) stream.write(data);
      },
      resize,
      close: () => stream.destroy(),
      done,
    };
  }

  async stats(name: string): Promise<ContainerStats> {
    // One read: without one-shot the engine samples twice and hands both (cpu_stats and precpu_stats).
    const read = async () => (await this.onContainer(name, "stats", (c) => c.stats({ stream: false }))) as unknown as DockerStatsDoc;
    const doc = await read();
    if (hasPrecpu(doc) || doc.cpu_stats?.system_cpu_usage === undefined) return computeStats(doc);
    // Fallback: an engine that answered without a previous sample (20.10 on a freshly started container,
    // or with one-shot forced by a proxy) gets a second read, and the first one serves as the previous sample.
    return computeStats(await read(), doc);
  }

  async cpuUsage(name: string): Promise<number> {
    const id = await this.idOf(name);
    const fromFile = await this.cgroups?.read(id);
    if (fromFile !== null && fromFile !== undefined) {
      this.calls.cgroupRead = (this.calls.cgroupRead ?? 0) + 1;
      return fromFile;
    }
    // Remote engine: one stats read (one-shot skips the second sample; 20.10 still waits for its collector tick).
    const doc = (await this.onContainer(name, "cpuUsage", (c) =>
      c.stats({ stream: false, "one-shot": true } as { stream: false }),
    )) as unknown as DockerStatsDoc;
    return doc.cpu_stats?.cpu_usage?.total_usage ?? 0;
  }

  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.call("imageInspect", () => this.docker.getImage(ref).inspect(), () => new RuntimeError("absent"));
      return true;
    } catch (e) {
      if (e instanceof ImageNotFoundError || (e instanceof RuntimeError && e.message === "absent")) return false;
      throw e;
    }
  }

  async buildImage(spec: ImageBuildSpec): Promise<void> {
    const tar = pack();
    for (const f of spec.files) tar.entry({ name: f.path, mode: f.mode ?? 0o644 }, f.content);
    tar.finalize();
    const stream = await this.call("build", () =>
      this.docker.buildImage(tar as unknown as NodeJS.ReadableStream, {
        t: spec.tag,
        buildargs: spec.buildArgs,
        labels: spec.labels,
        rm: true,
        forcerm: true,
      }),
    );
    await this.followProgress(stream, (event) => {
      const text = typeof event.stream === "string" ? event.stream : event.status;
      if (typeof text === "string") {
        for (const line of text.split("\n")) if (line.trim()) spec.onProgress(line.trimEnd());
      }
    });
  }

  async pullImage(ref: string, onProgress: (line: string) => void): Promise<void> {
    const stream = await this.call("pull", () => this.docker.pull(ref));
    await this.followProgress(stream, (event) => {
      if (typeof event.status === "string") onProgress(`${event.id ? `${event.id}: ` : ""}${event.status}`);
    });
  }

  async ensureNetwork(spec: NetworkSpec): Promise<NetworkInfo> {
    const existing = await this.inspectNetwork(spec.name);
    if (existing) {
      if (existing.labels[LABEL.kind] !== NETWORK_KIND) throw new ConflictError(`Network "${spec.name}" exists and was not made by Clawdspace`, "other");
      return existing;
    }
    const labels = { ...spec.labels, [LABEL.kind]: NETWORK_KIND };
    await this.call("networkCreate", () =>
      this.docker.createNetwork({
        Name: spec.name,
        Driver: "bridge",
        CheckDuplicate: true,
        Labels: labels,
        Options: { "com.docker.network.bridge.name": spec.bridge },
      }),
    ).catch(async (e) => {
      // Another create won the race: theirs is as good as ours.
      if (!(e instanceof ConflictError) && !/already exists/i.test((e as Error).message)) throw e;
    });
    return (await this.inspectNetwork(spec.name)) ?? { name: spec.name, bridge: spec.bridge, labels };
  }

  private async inspectNetwork(name: string): Promise<NetworkInfo | null> {
    try {
      const n = await this.call("networkInspect", () => this.docker.getNetwork(name).inspect(), () => new RuntimeError("absent"));
      return { name: n.Name, bridge: n.Options?.["com.docker.network.bridge.name"] ?? "", labels: n.Labels ?? {} };
    } catch (e) {
      if (e instanceof RuntimeError && e.message === "absent") return null;
      throw e;
    }
  }

  async listNetworks(labelFilter: string[]): Promise<NetworkInfo[]> {
    const nets = await this.call("networkList", () => this.docker.listNetworks({ filters: { label: [`${LABEL.kind}=${NETWORK_KIND}`, ...labelFilter] } }));
    return nets.map((n) => ({ name: n.Name, bridge: n.Options?.["com.docker.network.bridge.name"] ?? "", labels: n.Labels ?? {} }));
  }

  async removeNetwork(name: string): Promise<void> {
    const n = await this.inspectNetwork(name);
    if (!n) return;
    if (n.labels[LABEL.kind] !== NETWORK_KIND) throw new ConflictError(`Network "${name}" does not carry our label; refusing to remove it`, "other");
    await this.call("networkRemove", () => this.docker.getNetwork(name).remove(), () => new RuntimeError("absent")).catch((e) => {
      if (!(e instanceof RuntimeError && e.message === "absent")) throw e;
    });
  }

  async runHelper(spec: HelperSpec): Promise<{ exitCode: number; output: string }> {
    const container = await this.call("helperCreate", () =>
      this.docker.createContainer({
        Image: spec.image,
        Cmd: spec.argv,
        Labels: { ...spec.labels, [LABEL.kind]: HELPER_KIND },
        HostConfig: {
          NetworkMode: spec.hostNetwork ? "host" : "none",
          CapDrop: ["ALL"],
          CapAdd: spec.capAdd,
          SecurityOpt: ["no-new-privileges=true"],
        },
      }),
    );
    try {
      await this.call("helperStart", () => container.start());
      const { StatusCode } = (await this.call("helperWait", () => container.wait())) as { StatusCode: number };
      const raw = (await this.call("helperLogs", () => container.logs({ stdout: true, stderr: true, follow: false }))) as unknown as Buffer;
      const parts: Buffer[] = [];
      new StreamDemuxer((_s, chunk) => parts.push(chunk)).push(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
      return { exitCode: StatusCode, output: Buffer.concat(parts).toString("utf8") };
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  private followProgress(stream: NodeJS.ReadableStream, onEvent: (e: { stream?: string; status?: string; id?: string }) => void) {
    return new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null, events: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
          if (err) return reject(this.translate(err as DockerApiError));
          const failed = events.find((e) => e.error);
          if (failed) return reject(new RuntimeError(failed.errorDetail?.message ?? failed.error ?? "build failed"));
          resolve();
        },
        onEvent,
      );
    });
  }
}

/** Docker's device request for a GPU spec: all GPUs (-1), a count, or device ids. */
export function deviceRequestsOf(gpu: GpuSpec) {
  if (gpu === false) return undefined;
  const base = { Driver: "", Capabilities: [["gpu"]] };
  return ["deviceIds" in gpu ? { ...base, DeviceIDs: gpu.deviceIds } : { ...base, Count: gpu.count }];
}

function tmpfsOf(spec: ContainerSpec): Record<string, string> {
  const tmp = { "/tmp": `rw,nosuid,nodev,exec,size=${spec.tmpfsBytes}` };
  if (!spec.readOnlyRootfs) return tmp;
  // A read-only root still needs somewhere for the user's home (npm -g, pip --user) and for runtime files.
  return {
    ...tmp,
    "/home/sandbox": `rw,nosuid,nodev,exec,size=${spec.tmpfsBytes},uid=1001,gid=1001,mode=0755`,
    "/run": "rw,nosuid,nodev,size=16m",
    "/var/tmp": `rw,nosuid,nodev,size=${spec.tmpfsBytes}`,
  };
}

function conflictReason(msg: string): ConflictReason {
  if (/is paused|already paused/i.test(msg)) return "paused";
  if (/is not running|is restarting|not running/i.test(msg)) return "not-running";
  if (/already in use|conflict\. the container name/i.test(msg)) return "exists";
  if (/in progress/i.test(msg)) return "in-progress";
  return "other";
}
