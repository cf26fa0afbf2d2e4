import { z } from "zod";
import { EnvSchema } from "./common.js";
import { WakeTierSchema } from "./space.js";

export const MAX_EXEC_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export const ExecRequestSchema = z.object({
  command: z.union(
    [
      z.string().min(1, { error: "command must not be empty" }).max(1_000_000),
      z
        .array(z.string({ error: "every argv entry must be a string" }))
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
