import { z } from "zod";
import { EnvSchema, QueryFlagSchema } from "./common.js";
import { ExecRequestSchema, MAX_EXEC_TIMEOUT_MS } from "./exec.js";

/** Where a task is: running, or how it ended. `interrupted` always carries a reason. */
export const TASK_STATES = ["running", "succeeded", "failed", "cancelled", "timed-out", "interrupted"] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const TaskStateSchema = z.enum(TASK_STATES, { error: `state must be one of ${TASK_STATES.join(", ")}` });

/** Ids name a folder inside the space, so the pattern is the whole check. */
export const TASK_ID_RE = /^tsk_[a-z0-9]{16}$/;
export const TaskIdSchema = z.string().regex(TASK_ID_RE, { error: "task id must look like tsk_ followed by 16 lowercase letters or digits" });

export const TaskRequestSchema = z
  .object({
    command: ExecRequestSchema.shape.command,
    cwd: ExecRequestSchema.shape.cwd,
    env: EnvSchema.optional(),
    name: z
      .string({ error: "name must be a string" })
      .min(1, { error: "name must not be empty" })
      .max(120, { error: "name must be at most 120 characters" })
      // eslint-disable-next-line no-control-regex
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { error: "name must not contain control characters" })
      .optional(),
    timeoutMs: z
      .number({ error: "timeoutMs must be a number of milliseconds" })
      .int({ error: "timeoutMs must be a whole number" })
      .min(1, { error: "timeoutMs must be at least 1" })
      .max(7 * MAX_EXEC_TIMEOUT_MS, { error: `timeoutMs must be at most ${7 * MAX_EXEC_TIMEOUT_MS} (7 days)` })
      .optional(),
    keepAwake: z.boolean({ error: "keepAwake must be true or false" }).default(true),
  })
  .strict();
export type TaskRequest = z.input<typeof TaskRequestSchema>;
export type TaskInput = z.output<typeof TaskRequestSchema>;

export const TaskSchema = z.object({
  id: z.string(),
  space: z.string(),
  name: z.string().nullable(),
  /** As run, with secrets masked the way the audit log masks them. */
  command: z.union([z.string(), z.array(z.string())]),
  cwd: z.string(),
  /** Names only: values never leave the request. */
  env: z.array(z.string()),
  keepAwake: z.boolean(),
  timeoutMs: z.number().nullable(),
  state: TaskStateSchema,
  /** Why it was interrupted (or cancelled / timed out); null otherwise. */
  reason: z.string().nullable(),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Up to now while running. */
  durationMs: z.number().nullable(),
  stdoutBytes: z.number(),
  stderrBytes: z.number(),
});
export type Task = z.infer<typeof TaskSchema>;


export const TASK_LOG_STREAMS = ["stdout", "stderr", "both"] as const;
export const TaskLogQuerySchema = z
  .object({
    offset: z.coerce.number({ error: "offset must be a number" }).int({ error: "offset must be a whole number" }).min(0, { error: "offset must not be negative" }).default(0),
    stream: z.enum(TASK_LOG_STREAMS, { error: "stream must be stdout, stderr or both" }).default("both"),
    follow: QueryFlagSchema.default(false),
    maxBytes: z.coerce.number({ error: "maxBytes must be a number" }).int().min(1, { error: "maxBytes must be at least 1" }).max(16 * 1024 * 1024, { error: "maxBytes must be at most 16 MiB" }).default(1024 * 1024),
  })
  .strict();
export type TaskLogQuery = z.output<typeof TaskLogQuerySchema>;

export const TaskListQuerySchema = z
  .object({
    state: TaskStateSchema.optional(),
    space: z.string().optional(),
    limit: z.coerce.number({ error: "limit must be a number" }).int().min(1).max(1000, { error: "limit must be at most 1000" }).default(200),
  })
  .strict();

/** A piece of output; `offset` is where the log stands after it (resume from there). */
export interface TaskLogLine {
  stream: "stdout" | "stderr";
  data: string;
  offset: number;
}

export interface TaskLogPage {
  task: Task;
  /** Where this page starts: the offset asked for, or later when the cap dropped older output. */
  offset: number;
  nextOffset: number;
  /** The oldest offset still kept. */
  logStart: number;
  lines: TaskLogLine[];
  /** The task has ended and nothing after nextOffset remains. */
  complete: boolean;
}

/** Lines of a followed log (NDJSON): output, a gap the cap made, then one end line. */
export type TaskLogStreamLine = TaskLogLine | { gap: { from: number; to: number } } | { end: true; nextOffset: number; task: Task };

/** One `event: task` of GET /api/events. */
export const TaskChangeEventSchema = z.object({
  space: z.string(),
  id: z.string(),
  name: z.string().nullable(),
  state: TaskStateSchema,
  exitCode: z.number().nullable(),
  reason: z.string().nullable(),
  at: z.string().describe("ISO 8601"),
});
export type TaskChangeEvent = z.infer<typeof TaskChangeEventSchema>;
