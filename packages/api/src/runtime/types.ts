/**
 * The engine boundary. Everything above it speaks these types; only the Docker
 * implementation knows dockerode, and the in-memory fake implements the same contract.
 */

export type RuntimeState = "running" | "paused" | "stopped";

/** What one list call tells us about a space's container, without an inspect. */
export interface SpaceRecord {
  name: string;
  id: string;
  containerName: string;
  state: RuntimeState;
  image: string;
  created: Date;
  /** Exact when it came from an inspect; estimated from the engine's status line after a list. */
  startedAt: Date | null;
  labels: Record<string, string>;
  volume: { name: string; mountpoint: string };
  /** From labels, or from an inspect for containers made without them. */
  memory: number;
  cpus: number;
}

/** false, all GPUs ({count: -1}), a number of them, or named devices. */
export type GpuSpec = false | { count: number } | { deviceIds: string[] };

export interface BindMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ContainerSpec {
  name: string;
  image: string;
  memory: number;
  cpus: number;
  pidsLimit: number;
  tmpfsBytes: number;
  env: Record<string, string>;
  labels: Record<string, string>;
  volumeName: string;
  gpu: GpuSpec;
  /** "none" cuts the space off entirely; egress rules for the other modes are applied by the network policy. */
  network: "none" | "internet" | "lan";
  /** The engine network to join (the policy's network for the mode); unset means the engine's default bridge. */
  networkName?: string;
  /** Engine runtime (runc, runsc, ...); unset or "runc" means the engine's default. */
  runtime?: string;
  /** strict: no capabilities at all; relaxed: the engine's default set (root in the space can apt-get install). */
  privileges: "strict" | "relaxed";
  readOnlyRootfs: boolean;
  binds?: BindMount[];
}

export interface VolumeInfo {
  name: string;
  mountpoint: string;
  labels: Record<string, string>;
}

export interface ExecSpec {
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Bytes to feed on stdin (a buffer, or a stream piped through with backpressure), then close it. */
  stdin?: Buffer | NodeJS.ReadableStream;
  user?: string;
}

export type OutputStream = "stdout" | "stderr";

/** Receives output as it arrives; a returned promise holds the source back until it settles (backpressure). */
export type OutputSink = (stream: OutputStream, chunk: Buffer) => void | Promise<void>;

export interface ExecOutcome {
  exitCode: number;
}

/** A process in a TTY (the terminal's shell): output is raw bytes, stdout and stderr merged by the TTY. */
export interface TtySpec {
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  cols: number;
  rows: number;
  user?: string;
}

export interface TtyProcess {
  /** Bytes for the process's terminal (keystrokes). */
  write(data: Buffer): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Cuts our connection to it; the process itself is ended by whoever owns it (see killExec). */
  close(): void;
  /** Settles when the output stream ends: the process exited, or the space stopped under it. */
  readonly done: Promise<ExecOutcome>;
}

export interface EngineInfo {
  version: string;
  apiVersion: string;
  cpus: number;
  memoryBytes: number;
  containers: number;
  containersRunning: number;
  containersPaused: number;
  images: number;
  runtimes: string[];
  os: string;
}

export interface ContainerStats {
  cpuPercent: number;
  memoryUsageBytes: number;
  memoryLimitBytes: number;
  pids: number;
  networkRxBytes: number;
  networkTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
}

export interface BuildContextFile {
  path: string;
  content: Buffer;
  mode?: number;
}

export interface ImageBuildSpec {
  tag: string;
  files: BuildContextFile[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  onProgress: (line: string) => void;
}

export interface NetworkSpec {
  name: string;
  /** The Linux bridge's name, so firewall rules can match the space traffic by interface. */
  bridge: string;
  labels: Record<string, string>;
}

export interface NetworkInfo {
  name: string;
  bridge: string;
  labels: Record<string, string>;
}

/** A short-lived privileged helper (e.g. to apply firewall rules): runs to completion and is removed. */
export interface HelperSpec {
  image: string;
  argv: string[];
  labels: Record<string, string>;
  capAdd: string[];
  hostNetwork: boolean;
}

export type FileType = "file" | "dir" | "symlink" | "other";

/** One entry of a workspace folder. */
export interface FileStat {
  name: string;
  type: FileType;
  size: number;
  mtimeMs: number;
  mode: number;
  /** A symlink's target as written in the link. */
  target?: string;
}

/** Receives bytes as they arrive; a returned promise holds the source back (backpressure). */
export type ByteSink = (chunk: Buffer) => void | Promise<void>;

/**
 * File operations take absolute, normalised paths under /workspace. The runtime resolves
 * symlinks inside the space and throws PathOutsideError when the real path leaves /workspace,
 * FileNotFoundError when it is absent, FileTypeError for a file where a folder is needed (or
 * the reverse). Everything runs as the space's user, so the volume's content cannot make
 * an operation reach further than that user could.
 */
export interface SpaceFileOps {
  listFiles(name: string, dir: string, signal?: AbortSignal): Promise<FileStat[]>;
  /** Streams a file's bytes (the first maxBytes of them); answers its full size. */
  readFile(name: string, path: string, sink: ByteSink, opts?: { maxBytes?: number; signal?: AbortSignal }): Promise<{ size: number }>;
  /** Writes a file atomically (a temporary file renamed into place once `size` bytes arrived); creates parent folders. */
  writeFile(name: string, path: string, body: NodeJS.ReadableStream, opts: { size: number; mode?: number; signal?: AbortSignal }): Promise<void>;
  removePath(name: string, path: string, recursive: boolean): Promise<void>;
  makeDir(name: string, path: string): Promise<void>;
  movePath(name: string, from: string, to: string): Promise<void>;
  /** A tar of a folder's content (entries relative to it) or of one file; symlinks stay symlinks. */
  getArchive(name: string, path: string, sink: ByteSink, signal?: AbortSignal): Promise<void>;
  /** Unpacks a tar (already sanitised by the caller) into a folder, creating it. */
  putArchive(name: string, dir: string, tar: NodeJS.ReadableStream, signal?: AbortSignal): Promise<void>;
}

export interface SpaceRuntime extends SpaceFileOps {
  /** Resolves when the engine answers; throws RuntimeUnavailableError otherwise. */
  ping(): Promise<void>;
  engineInfo(): Promise<EngineInfo>;

  /** Every container carrying our space label, in one engine call. */
  list(): Promise<SpaceRecord[]>;
  /** One space with exact timestamps; SpaceNotFoundError when absent or not ours. */
  inspect(name: string): Promise<SpaceRecord>;

  inspectVolume(volumeName: string): Promise<VolumeInfo | null>;
  createVolume(volumeName: string, labels: Record<string, string>): Promise<VolumeInfo>;
  /** Removes a volume only when it carries our label. */
  removeVolume(volumeName: string): Promise<void>;

  /** Creates the container (not started); ConflictError when the name is taken, ImageNotFoundError when the image is absent. */
  create(spec: ContainerSpec): Promise<{ id: string }>;
  start(name: string): Promise<void>;
  pause(name: string): Promise<void>;
  unpause(name: string): Promise<void>;
  stop(name: string, graceSeconds: number): Promise<void>;
  remove(name: string): Promise<void>;

  /** Runs a process; ConflictError(reason "paused" | "not-running") when the space is asleep. */
  exec(name: string, spec: ExecSpec, sink: OutputSink, signal?: AbortSignal): Promise<ExecOutcome>;
  /** Starts a process in a TTY; ConflictError(reason "paused" | "not-running") when the space is asleep. */
  openTty(name: string, spec: TtySpec, onOutput: (chunk: Buffer) => void): Promise<TtyProcess>;
  stats(name: string): Promise<ContainerStats>;
  /** Cumulative CPU time of the space's processes in nanoseconds: one cheap read, no sampling wait. */
  cpuUsage(name: string): Promise<number>;

  imageExists(ref: string): Promise<boolean>;
  buildImage(spec: ImageBuildSpec): Promise<void>;
  /** Pulls an image from its registry (used only for the base of our own image, never for spaces). */
  pullImage(ref: string, onProgress: (line: string) => void): Promise<void>;

  /** Creates a bridge network carrying our label unless one of that name exists; ConflictError when it is not ours. */
  ensureNetwork(spec: NetworkSpec): Promise<NetworkInfo>;
  /** Our networks (by label), in one call. */
  listNetworks(labelFilter: string[]): Promise<NetworkInfo[]>;
  /** Removes a network only when it carries our label; absent is fine. */
  removeNetwork(name: string): Promise<void>;
  runHelper(spec: HelperSpec): Promise<{ exitCode: number; output: string }>;

  /** Engine calls made so far, by operation (for metrics and the benchmark). */
  callCounts(): Record<string, number>;
}
