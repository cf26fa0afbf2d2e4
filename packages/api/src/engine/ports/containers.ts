/**
 * The containers role of the engine port: a space's container from create to remove.
 * Everything above the port speaks these types; only the Docker adapter knows dockerode.
 */

export type RuntimeState = "running" | "paused" | "stopped";
/** "no" for spaces whose network needs the server's rules first: the server starts them again itself. */
export type RestartPolicy = "no" | "unless-stopped";

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
  /** Replaces the image's command (the space agent's start); unset keeps the image's own. */
  cmd?: string[];
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

/** Cumulative CPU time and the present memory and pids of a space: what one cheap read tells. */
export interface ContainerUsage {
  cpuNs: number;
  /** Without reclaimable page cache, as `docker stats` counts it. */
  memoryUsageBytes: number;
  /** 0 when the container has no limit. */
  memoryLimitBytes: number;
  pids: number;
}

export interface ContainersPort {
  /** Every container carrying our space label, in one engine call. */
  list(): Promise<SpaceRecord[]>;
  /** One space with exact timestamps; SpaceNotFoundError when absent or not ours. */
  inspect(name: string): Promise<SpaceRecord>;
  /** Creates the container (not started); ConflictError when the name is taken, ImageNotFoundError when the image is absent. */
  create(spec: ContainerSpec): Promise<{ id: string }>;
  start(name: string): Promise<void>;
  pause(name: string): Promise<void>;
  unpause(name: string): Promise<void>;
  stop(name: string, graceSeconds: number): Promise<void>;
  /** Whether the engine itself starts the container again after it stops or the engine restarts. */
  setRestartPolicy(name: string, policy: RestartPolicy): Promise<void>;
  remove(name: string): Promise<void>;
  stats(name: string): Promise<ContainerStats>;
  /** Cumulative CPU time of the space's processes in nanoseconds: one cheap read, no sampling wait. */
  cpuUsage(name: string): Promise<number>;
  /** CPU time, memory and pids in one read (host cgroup files when local, else one stats call). */
  usage(name: string): Promise<ContainerUsage>;
}
