import { randomBytes } from "node:crypto";
import { ConflictError, ImageNotFoundError, InvalidSpecError, RuntimeUnavailableError, SpaceNotFoundError } from "../errors.js";
import { LABEL, NETWORK_KIND, VOLUME_KIND, containerNameOf } from "../naming.js";
import { FakeFileTree } from "./fakeFiles.js";
import type {
  ByteSink,
  FileStat,
  ContainerSpec,
  ContainerStats,
  EngineInfo,
  ExecOutcome,
  ExecSpec,
  HelperSpec,
  ImageBuildSpec,
  NetworkInfo,
  NetworkSpec,
  OutputSink,
  RuntimeState,
  SpaceRecord,
  SpaceRuntime,
  TtyProcess,
  TtySpec,
  VolumeInfo,
} from "../types.js";

/** A fake TTY: echoes what it is sent, and a line "exit" (then Enter) ends it with code 0. */
export interface FakeTty {
  space: string;
  spec: TtySpec;
  input: Buffer[];
  size: { cols: number; rows: number };
  closed: boolean;
  /** Output as if the shell printed it. */
  emit(data: string | Buffer): void;
  exit(code: number): void;
}

interface FakeContainer {
  id: string;
  spec: ContainerSpec;
  state: RuntimeState;
  created: Date;
  startedAt: Date | null;
}

export interface FakeExecResult {
  stdout?: string | Buffer;
  stderr?: string | Buffer;
  exitCode?: number;
  /** Simulated run time; an abort signal cuts it short. */
  delayMs?: number;
}

export type FakeExecHandler = (space: string, spec: ExecSpec) => FakeExecResult | Promise<FakeExecResult>;

/** In-memory SpaceRuntime for unit tests: same contract and errors as the Docker one, with failure injection. */
export class FakeSpaceRuntime implements SpaceRuntime {
  readonly containers = new Map<string, FakeContainer>();
  readonly volumes = new Map<string, VolumeInfo>();
  readonly images = new Set<string>(["clawdspace:latest"]);
  readonly execLog: Array<{ space: string; spec: ExecSpec }> = [];
  available = true;
  hostCpus = 4;
  hostMemory = 16 * 1024 ** 3;
  /** What the engine reports as its runtimes; add "nvidia" to play a GPU node, "runsc" for gVisor. */
  runtimes = ["runc"];
  execHandler: FakeExecHandler = (_space, spec) => ({ stdout: `${spec.argv.join(" ")}\n`, exitCode: 0 });
  private readonly failures = new Map<string, Error>();
  private readonly calls: Record<string, number> = {};

  /** The next call of `op` throws `error` once. */
  failNext(op: string, error: Error): void {
    this.failures.set(op, error);
  }

  callCounts(): Record<string, number> {
    return { ...this.calls };
  }

  private enter(op: string): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
    if (!this.available) throw new RuntimeUnavailableError();
    const failure = this.failures.get(op);
    if (failure) {
      this.failures.delete(op);
      throw failure;
    }
  }

  private get(name: string): FakeContainer {
    const c = this.containers.get(name);
    if (!c) throw new SpaceNotFoundError(name);
    return c;
  }

  private record(name: string, c: FakeContainer): SpaceRecord {
    const volume = this.volumes.get(c.spec.volumeName);
    return {
      name,
      id: c.id,
      containerName: containerNameOf(name),
      state: c.state,
      image: c.spec.image,
      created: c.created,
      startedAt: c.startedAt,
      labels: { ...c.spec.labels },
      volume: { name: c.spec.volumeName, mountpoint: volume?.mountpoint ?? "" },
      memory: c.spec.memory,
      cpus: c.spec.cpus,
    };
  }

  async ping(): Promise<void> {
    this.enter("ping");
  }

  async engineInfo(): Promise<EngineInfo> {
    this.enter("info");
    const all = [...this.containers.values()];
    return {
      version: "fake",
      apiVersion: "1.41",
      cpus: this.hostCpus,
      memoryBytes: this.hostMemory,
      containers: all.length,
      containersRunning: all.filter((c) => c.state === "running").length,
      containersPaused: all.filter((c) => c.state === "paused").length,
      images: this.images.size,
      runtimes: [...this.runtimes],
      os: "fake",
    };
  }

  async list(): Promise<SpaceRecord[]> {
    this.enter("list");
    return [...this.containers.entries()].map(([name, c]) => this.record(name, c));
  }

  async inspect(name: string): Promise<SpaceRecord> {
    this.enter("inspect");
    return this.record(name, this.get(name));
  }

  async inspectVolume(volumeName: string): Promise<VolumeInfo | null> {
    this.enter("volumeInspect");
    return this.volumes.get(volumeName) ?? null;
  }

  async createVolume(volumeName: string, labels: Record<string, string>): Promise<VolumeInfo> {
    this.enter("volumeCreate");
    const existing = this.volumes.get(volumeName);
    if (existing) return existing;
    const v = { name: volumeName, mountpoint: `/fake/volumes/${volumeName}/_data`, labels: { ...labels, [LABEL.kind]: VOLUME_KIND } };
    this.volumes.set(volumeName, v);
    return v;
  }

  async removeVolume(volumeName: string): Promise<void> {
    this.enter("volumeRemove");
    const v = this.volumes.get(volumeName);
    if (!v) return;
    if (v.labels[LABEL.kind] !== VOLUME_KIND) throw new ConflictError(`Volume "${volumeName}" is not ours`, "other");
    const inUse = [...this.containers.values()].some((c) => c.spec.volumeName === volumeName);
    if (inUse) throw new ConflictError(`Volume "${volumeName}" is in use`, "other");
    this.volumes.delete(volumeName);
  }

  async create(spec: ContainerSpec): Promise<{ id: string }> {
    this.enter("create");
    if (!this.images.has(spec.image)) throw new ImageNotFoundError(spec.image);
    if (spec.memory < 6 * 1024 ** 2) throw new InvalidSpecError("Minimum memory limit allowed is 6MB");
    if (this.containers.has(spec.name)) throw new ConflictError(`The container name "/${containerNameOf(spec.name)}" is already in use`, "exists");
    const id = randomBytes(32).toString("hex");
    this.containers.set(spec.name, { id, spec, state: "stopped", created: new Date(), startedAt: null });
    return { id };
  }

  async start(name: string): Promise<void> {
    this.enter("start");
    const c = this.get(name);
    if (c.state === "paused") throw new ConflictError(`Container ${name} is paused`, "paused");
    if (c.state === "stopped") {
      c.state = "running";
      c.startedAt = new Date();
    }
  }

  async pause(name: string): Promise<void> {
    this.enter("pause");
    const c = this.get(name);
    if (c.state === "stopped") throw new ConflictError(`Container ${name} is not running`, "not-running");
    c.state = "paused";
  }

  async unpause(name: string): Promise<void> {
    this.enter("unpause");
    const c = this.get(name);
    if (c.state === "paused") c.state = "running";
  }

  async stop(name: string): Promise<void> {
    this.enter("stop");
    this.get(name).state = "stopped";
  }

  async remove(name: string): Promise<void> {
    this.enter("remove");
    this.get(name);
    this.containers.delete(name);
  }

  async exec(name: string, spec: ExecSpec, sink: OutputSink, signal?: AbortSignal): Promise<ExecOutcome> {
    this.enter("execCreate");
    const c = this.get(name);
    if (c.state === "paused") throw new ConflictError(`Container ${name} is paused, unpause the container before exec`, "paused");
    if (c.state === "stopped") throw new ConflictError(`Container ${name} is not running`, "not-running");
    this.execLog.push({ space: name, spec });
    const result = await this.execHandler(name, spec);
    if (result.delayMs) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, result.delayMs);
        signal?.addEventListener("abort", () => {
          clearTimeout(t);
          reject(signal.reason ?? new Error("aborted"));
        });
      });
    }
    if (result.stdout !== undefined) await sink("stdout", Buffer.from(result.stdout));
    if (result.stderr !== undefined) await sink("stderr", Buffer.from(result.stderr));
    return { exitCode: result.exitCode ?? 0 };
  }

  readonly ttys: FakeTty[] = [];

  async openTty(name: string, spec: TtySpec, onOutput: (chunk: Buffer) => void): Promise<TtyProcess> {
    this.enter("execCreate");
    const c = this.get(name);
    if (c.state === "paused") throw new ConflictError(`Container ${name} is paused, unpause the container before exec`, "paused");
    if (c.state === "stopped") throw new ConflictError(`Container ${name} is not running`, "not-running");
    let finish!: (o: ExecOutcome) => void;
    const done = new Promise<ExecOutcome>((r) => (finish = r));
    let line = "";
    const tty: FakeTty = {
      space: name,
      spec,
      input: [],
      size: { cols: spec.cols, rows: spec.rows },
      closed: false,
      emit: (data) => {
        if (!tty.closed) onOutput(Buffer.from(data));
      },
      exit: (code) => {
        if (tty.closed) return;
        tty.closed = true;
        finish({ exitCode: code });
      },
    };
    this.ttys.push(tty);
    return {
      write: (data) => {
        if (tty.closed) return;
        tty.input.push(data);
        tty.emit(data);
        line += data.toString("utf8");
        const cr = line.lastIndexOf("\r");
        if (cr >= 0) {
          if (line.slice(0, cr).split("\r").pop()!.trim() === "exit") tty.exit(0);
          line = line.slice(cr + 1);
        }
      },
      resize: async (cols, rows) => {
        tty.size = { cols, rows };
      },
      close: () => tty.exit(-1),
      done,
    };
  }

  /** Workspace trees by volume, so a recreated space on the same volume sees the same files. */
  readonly trees = new Map<string, FakeFileTree>();

  /** The file tree of a space (its volume's); file ops need it running, as execs do. */
  tree(name: string, op = "files"): FakeFileTree {
    this.enter(op);
    const c = this.get(name);
    if (c.state === "paused") throw new ConflictError(`Container ${name} is paused, unpause the container before exec`, "paused");
    if (c.state === "stopped") throw new ConflictError(`Container ${name} is not running`, "not-running");
    let t = this.trees.get(c.spec.volumeName);
    if (!t) this.trees.set(c.spec.volumeName, (t = new FakeFileTree()));
    return t;
  }

  async listFiles(name: string, dir: string): Promise<FileStat[]> {
    return this.tree(name).list(dir);
  }
  async readFile(name: string, path: string, sink: ByteSink, opts: { maxBytes?: number } = {}): Promise<{ size: number }> {
    return this.tree(name).read(path, sink, opts.maxBytes);
  }
  async writeFile(name: string, path: string, body: NodeJS.ReadableStream, opts: { size: number; mode?: number }): Promise<void> {
    return this.tree(name).write(path, body, opts.size, opts.mode);
  }
  async removePath(name: string, path: string, recursive: boolean): Promise<void> {
    this.tree(name).remove(path, recursive);
  }
  async makeDir(name: string, path: string): Promise<void> {
    this.tree(name).mkdir(path);
  }
  async movePath(name: string, from: string, to: string): Promise<void> {
    this.tree(name).move(from, to);
  }
  async getArchive(name: string, path: string, sink: ByteSink): Promise<void> {
    return this.tree(name).tarOut(path, sink);
  }
  async putArchive(name: string, dir: string, tar: NodeJS.ReadableStream): Promise<void> {
    return this.tree(name).tarIn(dir, tar);
  }

  async stats(name: string): Promise<ContainerStats> {
    this.enter("stats");
    const c = this.get(name);
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

  /** Cumulative CPU nanoseconds per space; tests move it forward to simulate a busy space. */
  readonly cpuNs = new Map<string, number>();

  async cpuUsage(name: string): Promise<number> {
    this.enter("cpuUsage");
    this.get(name);
    return this.cpuNs.get(name) ?? 0;
  }

  async imageExists(ref: string): Promise<boolean> {
    this.enter("imageInspect");
    return this.images.has(ref);
  }

  async buildImage(spec: ImageBuildSpec): Promise<void> {
    this.enter("build");
    spec.onProgress(`Step 1/1 : FROM ${spec.buildArgs.BASE_IMAGE ?? "scratch"}`);
    this.images.add(spec.tag);
  }

  readonly networks = new Map<string, NetworkInfo>();
  readonly helperLog: HelperSpec[] = [];
  helperHandler: (spec: HelperSpec) => { exitCode: number; output: string } = () => ({ exitCode: 0, output: "" });

  async ensureNetwork(spec: NetworkSpec): Promise<NetworkInfo> {
    this.enter("networkCreate");
    const existing = this.networks.get(spec.name);
    if (existing) {
      if (existing.labels[LABEL.kind] !== NETWORK_KIND) throw new ConflictError(`Network "${spec.name}" is not ours`, "other");
      return existing;
    }
    const n = { name: spec.name, bridge: spec.bridge, labels: { ...spec.labels, [LABEL.kind]: NETWORK_KIND } };
    this.networks.set(spec.name, n);
    return n;
  }

  async listNetworks(labelFilter: string[]): Promise<NetworkInfo[]> {
    this.enter("networkList");
    const match = (n: NetworkInfo) =>
      labelFilter.every((f) => {
        const [k, v] = f.split("=");
        return v === undefined ? k! in n.labels : n.labels[k!] === v;
      });
    return [...this.networks.values()].filter((n) => n.labels[LABEL.kind] === NETWORK_KIND && match(n));
  }

  async removeNetwork(name: string): Promise<void> {
    this.enter("networkRemove");
    const n = this.networks.get(name);
    if (!n) return;
    if (n.labels[LABEL.kind] !== NETWORK_KIND) throw new ConflictError(`Network "${name}" is not ours`, "other");
    if ([...this.containers.values()].some((c) => c.spec.networkName === name)) throw new ConflictError(`Network "${name}" has active endpoints`, "other");
    this.networks.delete(name);
  }

  async runHelper(spec: HelperSpec): Promise<{ exitCode: number; output: string }> {
    this.enter("helper");
    if (!this.images.has(spec.image)) throw new ImageNotFoundError(spec.image);
    this.helperLog.push(spec);
    return this.helperHandler(spec);
  }

  async pullImage(ref: string): Promise<void> {
    this.enter("pull");
    this.images.add(ref);
  }
}

