import { z } from "zod";

/** The agent's wire pieces that spaces and terminals need too (no other schema imports, so no cycle). */

/** Claude Code names sessions with UUIDs; "last" means the space's most recent run that has one. */
export const AGENT_SESSION_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const AgentResumeSchema = z.union([z.literal("last"), z.string().regex(AGENT_SESSION_RE)], {
  error: 'resume must be "last" or a session id (a UUID from an earlier run)',
});

/** Per-space credentials given at create; they override the operator's file and are never answered back. */
export const AgentCredentialsSchema = z
  .object({
    apiKey: z.string().min(1).max(4096).regex(/^[\x21-\x7e]+$/, { error: "apiKey must be printable ASCII without spaces" }).optional(),
    oauthToken: z.string().min(1).max(4096).regex(/^[\x21-\x7e]+$/, { error: "oauthToken must be printable ASCII without spaces" }).optional(),
    baseUrl: z.url({ protocol: /^https?$/, error: "baseUrl must be an http(s) URL" }).max(2048).optional(),
  })
  .strict();
export type AgentCredentials = z.infer<typeof AgentCredentialsSchema>;

/** Terminal session kinds: a login shell, or Claude Code in the TTY. */
export const TERMINAL_KINDS = ["shell", "claude"] as const;
export type TerminalKind = (typeof TERMINAL_KINDS)[number];
