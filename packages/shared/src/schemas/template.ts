import { z } from "zod";
import { CpusSchema, EnvSchema, MemorySchema, SPACE_NAME_RE } from "./common.js";
import { TcpPortSchema } from "./tunnel.js";

export const NETWORK_MODES = ["none", "internet", "lan"] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];
export const PRIVILEGE_LEVELS = ["strict", "relaxed"] as const;
export type PrivilegeLevel = (typeof PRIVILEGE_LEVELS)[number];

/** Template names follow space names: no dots or slashes, so a name can never reach outside its store. */
export const TemplateNameSchema = z
  .string({ error: "template name must be a string" })
  .regex(SPACE_NAME_RE, {
    error: "template name must be 1-63 characters of letters, digits, '_' or '-', starting with a letter or digit",
  });

/** Engine runtime names (runc, runsc, nvidia, ...). Whether the engine has one is checked by the server. */
export const RuntimeNameSchema = z
  .string({ error: "runtime must be a string" })
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/, { error: "runtime must be an engine runtime name such as runc or runsc" });

const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m", "2h", "1d", "90s", or milliseconds as a number; 0 disables. */
export const DurationSchema = z
  .union([z.number(), z.string()], { error: 'a duration such as "30m", "2h" or a number of milliseconds' })
  .transform((v, ctx) => {
    const m = typeof v === "number" ? null : DURATION_RE.exec(v);
    const ms = typeof v === "number" ? v : m ? Number(m[1]) * UNIT_MS[(m[2] ?? "ms").toLowerCase()]! : NaN;
    if (!Number.isFinite(ms) || ms < 0 || ms > 365 * 86_400_000) {
      ctx.addIssue({ code: "custom", message: `"${String(v)}" is not a duration: use e.g. "30m", "2h", "1d" (at most a year) or milliseconds` });
      return z.NEVER;
    }
    return Math.round(ms);
  });

const GpuDeviceIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/, { error: "GPU device ids look like 0 or GPU-<uuid>" });

/** true (all GPUs), false, a count, or device ids. */
export const GpuRequestSchema = z.union(
  [
    z.boolean(),
    z.strictObject({
      count: z.number().int({ error: "gpu.count must be a whole number" }).min(1, { error: "gpu.count must be at least 1" }).max(64).optional(),
      deviceIds: z.array(GpuDeviceIdSchema).min(1, { error: "gpu.deviceIds must not be empty" }).max(64).optional(),
    }).refine((g) => (g.count === undefined) !== (g.deviceIds === undefined), { error: "gpu takes either count or deviceIds, not both and not neither" }),
  ],
  { error: "gpu must be true, false, {count} or {deviceIds}" },
);
export type GpuRequest = z.output<typeof GpuRequestSchema>;

/** A path inside /workspace, relative or absolute; ".." never leaves it. */
export const WorkspacePathSchema = z
  .string({ error: "must be a path inside /workspace" })
  .min(1)
  .max(1024)
  .refine((p) => !p.includes("\0"), { error: "must not contain NUL" })
  .refine((p) => !p.replace(/^\/workspace(\/|$)/, "").split("/").includes(".."), { error: "must stay inside /workspace (no '..')" })
  .refine((p) => !p.startsWith("/") || /^\/workspace(\/|$)/.test(p), { error: "an absolute path must be under /workspace" });

const ImageRef = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,254}$/, { error: "image must be a Docker image reference" });

/** A template as written (YAML or JSON). Strict: an unknown field is an error, never ignored. */
export const TemplateSchema = z.strictObject({
  name: TemplateNameSchema,
  description: z.string().max(500, { error: "description must be at most 500 characters" }).default(""),
  resources: z
    .strictObject({
      memory: MemorySchema.optional(),
      cpus: CpusSchema.optional(),
      gpu: GpuRequestSchema.optional(),
      image: ImageRef.optional(),
    })
    .default({}),
  security: z
    .strictObject({
      writableRootfs: z.boolean({ error: "writableRootfs must be true or false" }).optional(),
      privileges: z.enum(PRIVILEGE_LEVELS, { error: "privileges must be strict or relaxed" }).optional(),
      runtime: RuntimeNameSchema.optional(),
    })
    .default({}),
  network: z.strictObject({ mode: z.enum(NETWORK_MODES, { error: "network.mode must be none, internet or lan" }) }).partial().default({}),
  workspace: z.strictObject({ defaultRepoDest: WorkspacePathSchema.optional() }).default({}),
  sleep: z
    .strictObject({ idleTimeout: DurationSchema.optional(), hibernateAfter: DurationSchema.optional() })
    .default({}),
  env: EnvSchema.optional(),
  /** What the tunnel may reach (docs/SSH.md): sshd, and which ports on the space's loopback ("all" or a list; [] closes every port). */
  tunnel: z
    .strictObject({
      ssh: z.boolean({ error: "tunnel.ssh must be true or false" }).optional(),
      ports: z.union([z.literal("all"), z.array(TcpPortSchema).max(1024, { error: "tunnel.ports holds at most 1024 ports" })], { error: 'tunnel.ports must be "all" or a list of ports' }).optional(),
    })
    .default({}),
});
export type TemplateInput = z.input<typeof TemplateSchema>;
export type Template = z.output<typeof TemplateSchema>;

/** PUT /api/templates: {yaml} (YAML or JSON text), or the fields themselves as JSON. */
export const PutTemplateRequestSchema = z.union([
  z.strictObject({ yaml: z.string({ error: "yaml must be a string" }).max(64 * 1024, { error: "yaml must be at most 64 KiB" }) }),
  z.record(z.string(), z.unknown()).refine((o) => !("yaml" in o), { error: "send either {yaml} or the template's fields" }),
]);

export const TemplateSummarySchema = z.object({ name: z.string(), description: z.string(), builtin: z.boolean(), overridden: z.boolean() });
export type TemplateSummary = z.infer<typeof TemplateSummarySchema>;
export const TemplateListSchema = z.object({ templates: z.array(TemplateSummarySchema) });

/** GET /api/templates/:name: the YAML as stored, plus the parsed fields (memory in bytes, durations in ms). */
export const TemplateDetailSchema = z.object({
  name: z.string(),
  yaml: z.string(),
  builtin: z.boolean(),
  overridden: z.boolean(),
  template: z.record(z.string(), z.unknown()),
});
export type TemplateDetail = z.infer<typeof TemplateDetailSchema>;
