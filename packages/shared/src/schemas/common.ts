import { z } from "zod";
import { parseMemory } from "../memory.js";

export const SPACE_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/;

export const SpaceNameSchema = z
  .string({ error: "name must be a string" })
  .regex(SPACE_NAME_RE, {
    error: "name must be 1-63 characters of letters, digits, '_' or '-', starting with a letter or digit",
  });

export const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names the dynamic loader or the container runtime act on (LD_PRELOAD, NVIDIA_VISIBLE_DEVICES=all sidesteps gpu: false). */
export const RESERVED_ENV_RE = /^(LD_|NVIDIA_)/i;

/** Memory as Clawdspace accepts it, turned into bytes. */
export const MemorySchema = z
  .union([z.string(), z.number()], { error: 'memory must be a size such as "512m" or "2g"' })
  .transform((v, ctx) => {
    const bytes = parseMemory(v);
    if (bytes === null) {
      ctx.addIssue({
        code: "custom",
        message: `memory "${String(v)}" is not a size: use a number with k, m, g or t (e.g. "512m", "1.5g"); a bare number means MiB`,
      });
      return z.NEVER;
    }
    return bytes;
  });

export const CpusSchema = z
  .union([z.number(), z.string().regex(/^\s*\d+(\.\d+)?\s*$/, { error: "cpus must be a number" })], {
    error: "cpus must be a number",
  })
  .transform((v) => Number(v))
  .pipe(
    z
      .number()
      .gt(0, { error: "cpus must be greater than 0" })
      .max(1024, { error: "cpus is too large" }),
  );

/** Env as an object of names to strings, or Clawdspace CLI style ["K=V", ...]. */
export const EnvSchema = z
  .union([
    z.record(
      z.string(),
      z.string({ error: "env values must be strings" }).refine((v) => !v.includes("\0"), { error: "env values must not contain NUL" }),
    ),
    z.array(
      z
        .string()
        .regex(/^[^=]+=/, { error: 'env entries must look like "NAME=value"' })
        .refine((v) => !v.includes("\0"), { error: "env entries must not contain NUL" }),
    ),
  ])
  .transform((v) => {
    if (!Array.isArray(v)) return v;
    const out: Record<string, string> = {};
    for (const entry of v) {
      const i = entry.indexOf("=");
      out[entry.slice(0, i)] = entry.slice(i + 1);
    }
    return out;
  })
  .superRefine((env, ctx) => {
    for (const key of Object.keys(env)) {
      if (!ENV_NAME_RE.test(key)) {
        ctx.addIssue({ code: "custom", message: `env name "${key}" is not a valid variable name`, path: [key] });
      } else if (RESERVED_ENV_RE.test(key)) {
        ctx.addIssue({ code: "custom", message: `env name "${key}" is reserved: LD_* and NVIDIA_* steer the loader or the container runtime`, path: [key] });
      }
    }
    if (Object.keys(env).length > 256) ctx.addIssue({ code: "custom", message: "at most 256 env variables" });
  });

export const IsoDate = z.string();

/** A yes/no query parameter (`follow=1`): 1, 0, true or false, nothing else. */
export const QueryFlagSchema = z
  .union([z.literal("1"), z.literal("0"), z.literal("true"), z.literal("false")], { error: "must be 1, 0, true or false" })
  .transform((v) => v === "1" || v === "true");
