import { z } from "zod";
import { QueryFlagSchema } from "./common.js";
import { TaskStateSchema } from "./task.js";
import { AgentResumeSchema } from "./agentBasics.js";

export * from "./agentBasics.js";

/**
 * Agent runs: Claude Code started non-interactively as a background task of a space.
 * A run's id is its task's id, so the task routes (raw logs, the task list) see it too.
 */


/** The prompt travels as one argv string: Linux takes at most 128 KiB per string. */
export const AGENT_PROMPT_MAX_BYTES = 100_000;

export const AgentRunRequestSchema = z
  .object({
    prompt: z
      .string({ error: "prompt must be a string" })
      .min(1, { error: "prompt must not be empty" })
      .refine((v) => new TextEncoder().encode(v).length <= AGENT_PROMPT_MAX_BYTES, { error: `prompt must be at most ${AGENT_PROMPT_MAX_BYTES} bytes` })
      .refine((v) => !v.includes("\u0000"), { error: "prompt must not contain NUL characters" }),
    resume: AgentResumeSchema.optional(),
    model: z
      .string({ error: "model must be a string" })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:@\/-]{0,127}$/, { error: "model must be a model name or alias (letters, digits, . _ : @ / -)" })
      .optional(),
    maxTurns: z.number({ error: "maxTurns must be a number" }).int({ error: "maxTurns must be a whole number" }).min(1).max(1000, { error: "maxTurns must be at most 1000" }).optional(),
    timeoutMs: z.number({ error: "timeoutMs must be a number of milliseconds" }).int().min(1000).max(7 * 24 * 3600 * 1000).optional(),
  })
  .strict();
export type AgentRunRequest = z.input<typeof AgentRunRequestSchema>;
export type AgentRunInput = z.output<typeof AgentRunRequestSchema>;

export const AgentUsageSchema = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheCreationInputTokens: z.number(),
  cacheReadInputTokens: z.number(),
});
export type AgentUsage = z.infer<typeof AgentUsageSchema>;

/** A run's state: the task's, except that a run Claude Code itself reported as an error is `failed`. */
export const AgentRunSchema = z.object({
  id: z.string(),
  space: z.string(),
  prompt: z.string(),
  resume: z.string().nullable(),
  model: z.string().nullable(),
  maxTurns: z.number().nullable(),
  state: TaskStateSchema,
  /** Claude Code's session id (known once the agent has started); pass it as `resume` to go on. */
  sessionId: z.string().nullable(),
  /** The final answer's text. */
  result: z.string().nullable(),
  isError: z.boolean().nullable(),
  numTurns: z.number().nullable(),
  /** As Claude Code reports it; null until it has. */
  durationMs: z.number().nullable(),
  costUsd: z.number().nullable(),
  usage: AgentUsageSchema.nullable(),
  exitCode: z.number().nullable(),
  /** Why it failed or was interrupted, when the agent said (its error text or the last of its stderr). */
  error: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type AgentRun = z.infer<typeof AgentRunSchema>;

/**
 * One step of a run's transcript. `offset` is where the run's output stands after it: ask
 * again from there (`?offset=`) and the transcript goes on with no gap and no repeat.
 */
export type AgentEvent =
  | { type: "init"; sessionId: string | null; model: string | null; cwd: string | null; offset: number }
  | { type: "text"; text: string; offset: number }
  | { type: "thinking"; text: string; offset: number }
  | { type: "tool_call"; id: string; name: string; input: unknown; offset: number }
  | { type: "tool_result"; toolUseId: string; content: string; isError: boolean; truncated: boolean; offset: number }
  | {
      type: "result";
      subtype: string;
      isError: boolean;
      result: string | null;
      numTurns: number | null;
      durationMs: number | null;
      costUsd: number | null;
      sessionId: string | null;
      offset: number;
    }
  /** A line of output that is not part of the stream (Claude Code failing to start prints these). */
  | { type: "output"; text: string; offset: number }
  | { type: "error"; message: string; offset: number };

export interface AgentTranscript {
  run: AgentRun;
  events: AgentEvent[];
  /** Ask from here for what follows. */
  nextOffset: number;
  /** The run has ended and every event is here. */
  complete: boolean;
}

/** Lines of a followed transcript (NDJSON): events, then one end line. */
export type AgentTranscriptStreamLine = { event: AgentEvent } | { end: true; nextOffset: number; run: AgentRun };


export const AgentTranscriptQuerySchema = z
  .object({
    offset: z.coerce.number({ error: "offset must be a number" }).int().min(0, { error: "offset must not be negative" }).default(0),
    follow: QueryFlagSchema.default(false),
  })
  .strict();


