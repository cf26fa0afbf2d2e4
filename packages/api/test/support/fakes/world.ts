import { ConflictError, RuntimeUnavailableError, SpaceNotFoundError } from "../../../src/engine/errors.js";
import type { Engine } from "../../../src/engine/engine.js";
import { containerNameOf } from "../../../src/engine/naming.js";
import type { ContainerSpec, RestartPolicy, RuntimeState, SpaceRecord } from "../../../src/engine/ports/containers.js";
import type { ExecSpec, TtySpec } from "../../../src/engine/ports/exec.js";
import type { HelperRun, HelperSpec } from "../../../src/engine/ports/helpers.js";
import type { NetworkInfo } from "../../../src/engine/ports/networks.js";
import type { VolumeInfo } from "../../../src/engine/ports/volumes.js";
import { FakeContainers } from "./fakeContainers.js";
import { FakeExec } from "./fakeExec.js";
import { FakeFiles } from "./fakeFiles.js";
import { FakeFileTree } from "./fakeFileTree.js";
import { FakeHelpers } from "./fakeHelpers.js";
import { FakeImages } from "./fakeImages.js";
import { FakeNetworks } from "./fakeNetworks.js";
import { FakeSystem } from "./fakeSystem.js";
import { FakeVolumes } from "./fakeVolumes.js";

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

export interface FakeContainer {
  id: string;
  spec: ContainerSpec;
  state: RuntimeState;
  created: Date;
  startedAt: Date | null;
  /** Set only by setRestartPolicy (a create's own policy is in its spec). */
  restartPolicy?: RestartPolicy;
}

export interface FakeExecResult {
  stdout?: string | Buffer;
  stderr?: string | Buffer;
  exitCode?: number;
  /** Simulated run time; an abort signal cuts it short. */
  delayMs?: number;
}

export type FakeExecHandler = (space: string, spec: ExecSpec) => FakeExecResult | Promise<FakeExecResult>;

/**
 * One in-memory engine shared by the per-role fakes (a volume made through one is seen
 * by the others, as on a real engine), with failure injection and call counts by operation.
 */
export class FakeWorld {
  readonly containers = new Map<string, FakeContainer>();
  readonly volumes = new Map<string, VolumeInfo>();
  readonly images = new Set<string>(["clawdspace:latest"]);
  readonly networks = new Map<string, NetworkInfo>();
  /** Workspace trees by volume, so a recreated space on the same volume sees the same files. */
  readonly trees = new Map<string, FakeFileTree>();
  /** Cumulative CPU nanoseconds per space; tests move it forward to simulate a busy space. */
  readonly cpuNs = new Map<string, number>();
  /** A space's memory use as its usage read reports it (32 MiB when unset). */
  readonly memoryBytes = new Map<string, number>();
  readonly execLog: Array<{ space: string; spec: ExecSpec }> = [];
  readonly ttys: FakeTty[] = [];
  readonly helperLog: HelperSpec[] = [];
  available = true;
  hostCpus = 4;
  hostMemory = 16 * 1024 ** 3;
  /** What the engine reports as its runtimes; add "nvidia" to play a GPU node, "runsc" for gVisor. */
  runtimes = ["runc"];
  execHandler: FakeExecHandler = (_space, spec) => ({ stdout: `${spec.argv.join(" ")}\n`, exitCode: 0 });
  helperHandler: (spec: HelperSpec) => HelperRun = () => ({ exitCode: 0, output: "" });
  private readonly failures = new Map<string, Error>();
  private readonly calls: Record<string, number> = {};

  /** The roles, each an in-memory fake over this world; a test may swap one for its own. */
  readonly engine: Engine = {
    containers: new FakeContainers(this),
    volumes: new FakeVolumes(this),
    exec: new FakeExec(this),
    images: new FakeImages(this),
    networks: new FakeNetworks(this),
    helpers: new FakeHelpers(this),
    files: new FakeFiles(this),
    system: new FakeSystem(this),
  };

  /** The next call of `op` throws `error` once. */
  failNext(op: string, error: Error): void {
    this.failures.set(op, error);
  }

  callCounts(): Record<string, number> {
    return { ...this.calls };
  }

  /** Every fake call goes through here: counted, refused when the engine is "down", or failed on request. */
  enter(op: string): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
    if (!this.available) throw new RuntimeUnavailableError();
    const failure = this.failures.get(op);
    if (failure) {
      this.failures.delete(op);
      throw failure;
    }
  }

  get(name: string): FakeContainer {
    const c = this.containers.get(name);
    if (!c) throw new SpaceNotFoundError(name);
    return c;
  }

  /** A container that can run processes, with the engine's refusals for a sleeping one. */
  running(name: string): FakeContainer {
    const c = this.get(name);
    if (c.state === "paused") throw new ConflictError(`Container ${name} is paused, unpause the container before exec`, "paused");
    if (c.state === "stopped") throw new ConflictError(`Container ${name} is not running`, "not-running");
    return c;
  }

  /** The file tree of a space (its volume's); file ops need it running, as execs do. */
  tree(name: string, op = "files"): FakeFileTree {
    this.enter(op);
    const c = this.running(name);
    let t = this.trees.get(c.spec.volumeName);
    if (!t) this.trees.set(c.spec.volumeName, (t = new FakeFileTree()));
    return t;
  }

  record(name: string, c: FakeContainer): SpaceRecord {
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
}
