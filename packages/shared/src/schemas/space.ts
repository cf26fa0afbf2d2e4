import { z } from "zod";
import { CpusSchema, EnvSchema, MemorySchema, SpaceNameSchema } from "./common.js";

export const SPACE_STATUSES = ["running", "paused", "stopped"] as const;
export const SPACE_STATES = ["running", "paused", "sleeping", "hibernated", "stopped"] as const;
export const SLEEP_BLOCKERS = ["lease", "cpu", "exec", "terminal", "veto:git", "veto:pkg", "user-paused", "disabled"] as const;
export const ACTIVITY_SOURCES = ["create", "start", "exec", "files", "terminal", "keepalive", "cpu", "wake"] as const;

export const ImageRefSchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,254}$/, { error: "image must be a Docker image reference such as clawdspace:latest" });

export const CreateSpaceRequestSchema = z.object({
  name: SpaceNameSchema,
  memory: MemorySchema.optional(),
  cpus: CpusSchema.optional(),
  gpu: z.boolean({ error: "gpu must be true or false" }).optional(),
  image: ImageRefSchema.optional(),
  template: SpaceNameSchema.optional(),
  env: EnvSchema.optional(),
});
/** What a client sends. */
export type CreateSpaceRequest = z.input<typeof CreateSpaceRequestSchema>;
/** What the server works with after parsing (memory in bytes, env as an object). */
export type CreateSpaceInput = z.output<typeof CreateSpaceRequestSchema>;

export const SpaceSchema = z.object({
  name: z.string(),
  id: z.string(),
  status: z.enum(SPACE_STATUSES),
  state: z.enum(SPACE_STATES),
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
