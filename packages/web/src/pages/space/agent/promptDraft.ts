import type { AgentRunRequest } from "@clawdspace/shared";
import { ClawdspaceApiError } from "@clawdspace/shared/client";
import { agentHint, withAgentHint } from "../../../components/agentHint";

/** The prompt box as typed: shared by Run and by a run's Resume, which sends the same prompt. */
export interface PromptDraft {
  prompt: string;
  /** Go on with the space's most recent conversation (resume: "last"). */
  continueLast: boolean;
  /** A run's session picked with its Resume button while the box was empty: Run goes on with it. */
  resumeSession: string | null;
  model: string;
  maxTurns: string;
}

export const emptyDraft = (): PromptDraft => ({ prompt: "", continueLast: false, resumeSession: null, model: "", maxTurns: "" });

/** The request for a draft; `resume` (a Resume button's session) wins over the box's own choice. */
export function toRequest(d: PromptDraft, resume?: string): AgentRunRequest {
  const req: AgentRunRequest = { prompt: d.prompt };
  const r = resume ?? d.resumeSession ?? (d.continueLast ? "last" : undefined);
  if (r) req.resume = r;
  if (d.model.trim()) req.model = d.model.trim();
  // Not a number: sent as typed, so the server's message says what is wrong with it.
  const turns = d.maxTurns.trim();
  if (turns) req.maxTurns = /^\d+$/.test(turns) ? Number(turns) : (turns as unknown as number);
  return req;
}

/** The two agent errors say what to do about them, not just what went wrong. */
export function agentErrorText(err: unknown, fallback: string | null): string | null {
  if (!(err instanceof ClawdspaceApiError) || !agentHint(err.code)) return fallback;
  return withAgentHint(err.message, err.code);
}
