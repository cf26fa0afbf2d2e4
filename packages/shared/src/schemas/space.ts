import { z } from "zod";
import { CpusSchema, EnvSchema, MemorySchema, SpaceNameSchema } from "./common.js";
import { AgentCredentialsSchema } from "./agentBasics.js";
import { GpuRequestSchema, NETWORK_MODES, PRIVILEGE_LEVELS, RuntimeNameSchema, WorkspacePathSchema } from "./template.js";

export const SPACE_STATUSES = ["running", "paused", "stopped"] as const;
export const SPACE_STATES = ["running", "paused", "sleeping", "hibernated", "stopped"] as const;
/** ours: what a list says of a space whose node does not answer (the rest comes from that node's last list). */
export const SPACE_VIEW_STATES = [...SPACE_STATES, "unreachable"] as const;
export const SLEEP_BLOCKERS = ["lease", "cpu", "exec", "terminal", "task", "veto:git", "veto:pkg", "user-paused", "disabled"] as const;
export const ACTIVITY_SOURCES = ["create", "start", "exec", "files", "terminal", "task", "keepalive", "cpu", "wake"] as const;

export const ImageRefSchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,254}$/, { error: "image must be a Docker image reference such as clawdspace:latest" });

/** A file of secrets written into /workspace (mode 0600, the space's user): text, or {content, encoding, path}. */
export const EnvFileSchema = z
  .union(
    [
      z.string().max(1024 * 1024),
      z.strictObject({
        content: z.string().max(1.5 * 1024 * 1024),
        encoding: z.enum(["utf8", "base64"]).default("utf8"),
        path: WorkspacePathSchema.default(".env"),
      }),
    ],
    { error: "envFile must be text or {content, encoding: utf8|base64, path}" },
  )
  .transform((v, ctx) => {
    const f = typeof v === "string" ? { content: v, encoding: "utf8" as const, path: ".env" } : v;
    if (f.encoding === "base64" && !/^[A-Za-z0-9+/]*={0,2}$/.test(f.content.replace(/\s/g, ""))) {
      ctx.addIssue({ code: "custom", message: "envFile.content is not base64" });
      return z.NEVER;
    }
    return { path: f.path, bytes: f.encoding === "base64" ? base64ToBytes(f.content) : new TextEncoder().encode(f.content) };
  });

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64.replace(/\s/g, ""));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** http(s) or git URLs without credentials in them (a token goes in repoToken, so it can be kept out of .git/config). */
export const RepoUrlSchema = z
  .string({ error: "repoUrl must be a string" })
  .max(2048)
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return ["http:", "https:", "git:"].includes(u.protocol) && !u.username && !u.password && u.hostname !== "";
      } catch {
        return false;
      }
    },
    { error: "repoUrl must be an http(s):// or git:// URL without credentials (put a token in repoToken)" },
  );

/** A branch or tag name as git accepts it (git check-ref-format), never an option. */
export const RepoBranchSchema = z
  .string({ error: "repoBranch must be a string" })
  .max(255)
  .regex(/^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*@\{)(?!.*\.lock$)(?!.*\/$)(?!.*\.$)[A-Za-z0-9._\/+-]+$/, {
    error: "repoBranch must be a valid branch or tag name",
  });

export const CreateSpaceRequestSchema = z.strictObject({
  name: SpaceNameSchema,
  memory: MemorySchema.optional(),
  cpus: CpusSchema.optional(),
  gpu: GpuRequestSchema.optional(),
  image: ImageRefSchema.optional(),
  template: SpaceNameSchema.optional(),
  env: EnvSchema.optional(),
  // ours: overrides of template settings, secrets and a repository at create
  network: z.enum(NETWORK_MODES, { error: "network must be none, internet or lan" }).optional(),
  runtime: RuntimeNameSchema.optional(),
  privileges: z.enum(PRIVILEGE_LEVELS, { error: "privileges must be strict or relaxed" }).optional(),
  writableRootfs: z.boolean({ error: "writableRootfs must be true or false" }).optional(),
  envFile: EnvFileSchema.optional(),
  repoUrl: RepoUrlSchema.optional(),
  repoBranch: RepoBranchSchema.optional(),
  repoDest: WorkspacePathSchema.optional(),
  repoToken: z.string().min(1).max(4096).regex(/^[\x21-\x7e]+$/, { error: "repoToken must be printable ASCII without spaces" }).optional(),
  // ours: Claude Code credentials for this space alone, over the operator's (never answered back)
  agent: AgentCredentialsSchema.optional(),
  // ours: the node to make it on (several machines as one Clawdspace); absent: the one with most headroom
  node: SpaceNameSchema.optional(),
});
/** What a client sends. */
export type CreateSpaceRequest = z.input<typeof CreateSpaceRequestSchema>;
/** What the server works with after parsing (memory in bytes, env as an object). */
export type CreateSpaceInput = z.output<typeof CreateSpaceRequestSchema>;

export const SpaceSchema = z.object({
  name: z.string(),
  id: z.string(),
  status: z.enum(SPACE_STATUSES),
  state: z.enum(SPACE_VIEW_STATES),
  created: z.string(),
  started: z.string().nullable(),
  image: z.string(),
  memory: z.number(),
  cpus: z.number(),
  lastActivity: z.string().nullable(),
  volume: z.object({ name: z.string(), mountpoint: z.string() }),
  template: z.string().nullable(),
  gpu: z.boolean(),
  network: z.string(),
  runtime: z.string(),
  // ours: the effective settings the space was made with (from labels)
  privileges: z.enum(PRIVILEGE_LEVELS).optional(),
  writableRootfs: z.boolean().optional(),
  idleTimeoutMs: z.number().optional(),
  hibernateAfterMs: z.number().optional(),
  node: z.string(),
  activity: z.object({ lastAt: z.string().nullable(), lastSource: z.string().nullable() }),
  sleepsAt: z.string().nullable(),
  sleepBlockedBy: z.array(z.string()),
});
export type Space = z.infer<typeof SpaceSchema>;
export type SpaceStatus = (typeof SPACE_STATUSES)[number];
export type SpaceState = (typeof SPACE_STATES)[number];

export const SpaceListSchema = z.object({ spaces: z.array(SpaceSchema) });
export const SpaceEnvelopeSchema = z.object({ space: SpaceSchema });
export const MessageSchema = z.object({ message: z.string() });
export const WakeTierSchema = z.enum(["warm", "cold"]);
export type WakeTier = z.infer<typeof WakeTierSchema>;
export const LifecycleAnswerSchema = MessageSchema.extend({ wake: WakeTierSchema.optional() });

export const DeleteSpaceQuerySchema = z.object({
  removeVolume: z
    .preprocess(
      (v) => (typeof v === "string" ? v.trim().toLowerCase() : v),
      z.enum(["true", "false", "1", "0", ""], { error: "removeVolume must be true or false" }),
    )
    .optional()
    .transform((v) => v === "true" || v === "1"),
});
