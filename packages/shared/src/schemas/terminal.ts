import { z } from "zod";
import { AgentResumeSchema, TERMINAL_KINDS } from "./agentBasics.js";
import { WakeTierSchema } from "./space.js";

/** Resize bounds the server clamps to (a terminal wider or taller than this is a mistake, not a screen). */
export const TERMINAL_MAX_COLS = 1000;
export const TERMINAL_MAX_ROWS = 500;

/** Query of GET /api/spaces/:name/terminal (besides `key` / `ticket`). */
export const TerminalQuerySchema = z.object({
  session: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "session must be a session id from the session message" })
    .optional(),
  since: z.coerce.number().int().min(0, { error: "since must be a byte offset (0 or more)" }).optional(),
  mode: z.enum(["interactive", "view"], { error: "mode must be interactive or view" }).default("interactive"),
  /** ours: what a new session runs, a login shell or Claude Code (ignored when attaching to a session). */
  kind: z.enum(TERMINAL_KINDS, { error: "kind must be shell or claude" }).default("shell"),
  /** ours: with kind=claude, the conversation to go on with ("last" or a session id). */
  resume: AgentResumeSchema.optional(),
  cols: z.coerce.number().int().optional(),
  rows: z.coerce.number().int().optional(),
});
export type TerminalQuery = z.infer<typeof TerminalQuerySchema>;

/** Text frames from the client; binary frames are keystrokes. */
export const TerminalClientMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("input"), data: z.string().max(1024 * 1024) }),
  z.object({ type: z.literal("resize"), cols: z.number().int(), rows: z.number().int() }),
  z.object({ type: z.literal("ping") }),
]);
export type TerminalClientMessage = z.infer<typeof TerminalClientMessageSchema>;

export const TerminalStateSchema = z.enum(["running", "paused", "sleeping", "hibernated", "stopped", "exited", "gap"]);
export type TerminalState = z.infer<typeof TerminalStateSchema>;

/** Text frames from the server; binary frames are the terminal's output. */
export const TerminalServerMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("session"),
    id: z.string(),
    /** Absolute output offset of the next output byte this socket receives (the replay, if any, starts here). */
    offset: z.number().int(),
    mode: z.enum(["interactive", "view"]),
    /** Whether this socket made the session (false: attached to an existing one). */
    created: z.boolean(),
    /** The space was asleep and this connection woke it (a 101 answer cannot carry X-Clawdspace-Wake). */
    wake: WakeTierSchema.optional(),
  }),
  z.object({
    type: z.literal("status"),
    state: TerminalStateSchema,
    /** With "gap": bytes that fell out of the replay buffer before the client could read them. */
    missed: z.number().int().optional(),
    /** With "exited": the shell's exit code when known. */
    exitCode: z.number().int().optional(),
  }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("error"), error: z.string(), code: z.string() }),
]);
export type TerminalServerMessage = z.infer<typeof TerminalServerMessageSchema>;

export const TerminalTicketSchema = z.object({
  ticket: z.string(),
  expiresAt: z.string(),
  /** Ready-made path for the WebSocket (relative to the server root). */
  path: z.string(),
});
export type TerminalTicket = z.infer<typeof TerminalTicketSchema>;

export const TerminalSessionInfoSchema = z.object({
  id: z.string(),
  kind: z.enum(TERMINAL_KINDS),
  space: z.string(),
  created: z.string(),
  viewers: z.number().int(),
  /** Absolute output offset (bytes written so far). */
  offset: z.number().int(),
  lastOutputAt: z.string().nullable(),
  lastInputAt: z.string().nullable(),
});
export type TerminalSessionInfo = z.infer<typeof TerminalSessionInfoSchema>;
