import { z } from "zod";

export const HealthSchema = z.object({ status: z.literal("ok"), version: z.string() });

export const CapabilitiesSchema = z.object({
  gpu: z.boolean(),
  gpuName: z.string().nullable(),
  gpuMemory: z.string().nullable(),
  arch: z.string(),
  platform: z.string(),
  cpus: z.number(),
  memory: z.number(),
  /** ours: the engine's runtimes (runc, runsc for gVisor, nvidia for GPUs), read once at start */
  runtimes: z.array(z.string()).optional(),
});
export type Capabilities = z.infer<typeof CapabilitiesSchema>;

/** GET /api/nodes: this node alone until several join (CLAWDSPACE_NODES, tailscale discovery). */
export const NodeListSchema = z.object({
  nodes: z.array(
    z.object({
      name: z.string(),
      url: z.string(),
      status: z.enum(["online", "offline"]),
      latencyMs: z.number().nullable(),
      capabilities: CapabilitiesSchema.optional(),
      // ours: several nodes as one Clawdspace
      self: z.boolean().optional(),
      /** Since when the node has had this status (ISO 8601), null before its first check. */
      since: z.string().nullable().optional(),
      lastSeenAt: z.string().nullable().optional(),
      /** Its spaces and what they were given (the placement's view of its headroom). */
      spaces: z.number().optional(),
      allocated: z.object({ memory: z.number(), cpus: z.number() }).optional(),
      error: z.string().optional(),
    }),
  ),
  lastUpdatedAt: z.string(),
});
export type NodeList = z.infer<typeof NodeListSchema>;

const HumanMemory = z.object({ total: z.string(), free: z.string(), used: z.string(), percentage: z.string() });
const HumanDisk = z.object({ total: z.string(), used: z.string(), available: z.string(), percentage: z.string() });

export const SystemSchema = z.object({
  hostname: z.string(),
  platform: z.string(),
  arch: z.string(),
  cpus: z.number(),
  loadAverage: z.array(z.number()),
  memory: HumanMemory,
  disk: HumanDisk.nullable(),
  uptime: z.number(),
  docker: z.object({
    version: z.string(),
    apiVersion: z.string(),
    containers: z.number(),
    containersRunning: z.number(),
    containersPaused: z.number(),
    images: z.number(),
  }),
  capabilities: CapabilitiesSchema.omit({ cpus: true, memory: true, runtimes: true }),
  bytes: z.object({
    memory: z.object({ total: z.number(), free: z.number(), used: z.number() }),
    disk: z.object({ total: z.number(), used: z.number(), available: z.number() }).nullable(),
  }),
  /** ours: where the store and the audit log are, and the free space under them */
  dataDir: z.object({ path: z.string(), availableBytes: z.number().nullable() }).optional(),
});
export type SystemInfo = z.infer<typeof SystemSchema>;

export const StatsSchema = z.object({
  stats: z.object({
    cpuPercent: z.number(),
    memoryUsageBytes: z.number(),
    memoryLimitBytes: z.number(),
    pids: z.number(),
    networkRxBytes: z.number(),
    networkTxBytes: z.number(),
    blockReadBytes: z.number(),
    blockWriteBytes: z.number(),
  }),
});
export type SpaceStats = z.infer<typeof StatsSchema>["stats"];

export const ProcessInfoSchema = z.object({
  pid: z.number(),
  user: z.string(),
  cpuPercent: z.number(),
  memPercent: z.number(),
  rssBytes: z.number(),
  elapsedSeconds: z.number(),
  command: z.string().describe("masked: tokens and KEY=value secrets are replaced"),
});
export const ObservabilitySchema = z.object({
  state: z.enum(["running", "asleep"]).describe("asleep: paused or stopped; looking never wakes a space"),
  processes: z.array(ProcessInfoSchema).describe("top processes by CPU"),
  disk: z.object({ workspaceBytes: z.number(), measuredAt: z.string(), cached: z.boolean() }).nullable(),
});
export type Observability = z.infer<typeof ObservabilitySchema>;

/** One space in GET /api/stats: its load now and a short CPU trend, from one read of every space. */
export const SpaceLoadSchema = z.object({
  name: z.string(),
  state: z.enum(["running", "paused"]),
  cpuPercent: z.number().nullable().describe("share of one CPU since the previous read (200 = two cores); null until a second read exists"),
  memoryUsageBytes: z.number(),
  memoryLimitBytes: z.number().describe("0: no limit"),
  pids: z.number(),
  at: z.string().describe("ISO 8601: when this read was taken"),
  trend: z.array(z.number()).describe("CPU percent of the last minutes, oldest first, one point per trendStepMs"),
});
export type SpaceLoad = z.infer<typeof SpaceLoadSchema>;

export const AllStatsSchema = z.object({
  stats: z.array(SpaceLoadSchema).describe("running and paused spaces; stopped ones use nothing"),
  trendStepMs: z.number(),
  at: z.string(),
});
export type AllStats = z.infer<typeof AllStatsSchema>;
