import { z } from "zod";
import { EnvSchema } from "./common.js";
import { WakeTierSchema } from "./space.js";

export const MAX_EXEC_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** Under Linux's 128 KiB limit for one argument, leaving room for multi-byte characters. */
export const MAX_ARG_CHARS = 32 * 1024;

export const ExecRequestSchema = z.strictObject({
  command: z.union(
    [
      // Linux caps one argument at 128 KiB; a longer script belongs in a file or on stdin.
      z
        .string()
        .min(1, { error: "command must not be empty" })
        .max(MAX_ARG_CHARS, { error: `command must be at most ${MAX_ARG_CHARS} characters (send longer scripts on stdin)` })
        .refine((v) => !v.includes("\0"), { error: "command must not contain NUL" }),
      z
        .array(
          z
            .string({ error: "every argv entry must be a string" })
            .max(MAX_ARG_CHARS, { error: `each argv entry must be at most ${MAX_ARG_CHARS} characters` })
            .refine((v) => !v.includes("\0"), { error: "argv entries must not contain NUL" }),
        )
        .min(1, { error: "command must not be an empty array" })
        .max(10_000),
    ],
    { error: "command must be a string (run through bash -lc) or an array of strings (argv)" },
  ),
  cwd: z
    .string()
    .regex(/^\//, { error: "cwd must be an absolute path" })
    .refine((p) => !p.includes("\0"), { error: "cwd must not contain NUL" })
    .optional(),
  env: EnvSchema.optional(),
  /** ours: run as root; only in a space whose privileges are relaxed */
  asRoot: z.boolean({ error: "asRoot must be true or false" }).optional(),
  stdin: z.string().max(64 * 1024 * 1024).optional(),
  timeoutMs: z
    .number({ error: "timeoutMs must be a number of milliseconds" })
    .int({ error: "timeoutMs must be a whole number" })
    .min(1, { error: "timeoutMs must be at least 1" })
    .max(MAX_EXEC_TIMEOUT_MS, { error: `timeoutMs must be at most ${MAX_EXEC_TIMEOUT_MS}` })
    .optional(),
  maxOutputBytes: z.number().int().min(1).max(256 * 1024 * 1024).optional(),
});
export type ExecRequest = z.input<typeof ExecRequestSchema>;
export type ExecInput = z.output<typeof ExecRequestSchema>;

export const ExecResultSchema = z.object({
  stdout: z.string(),
  stderr: z.string(),
  exitCode: z.number(),
  timedOut: z.boolean(),
  truncated: z.boolean(),
  durationMs: z.number(),
  wake: WakeTierSchema.optional(),
  code: z.literal("EXEC_TIMEOUT").optional(),
});
export type ExecResult = z.infer<typeof ExecResultSchema>;

export type ExecStreamLine =
  | { stream: "stdout" | "stderr"; data: string }
  | { exitCode: number; timedOut: boolean; truncated: boolean; durationMs: number; wake?: "warm" | "cold" }
  | { error: string; code: string };
