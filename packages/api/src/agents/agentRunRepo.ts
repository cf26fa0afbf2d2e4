import type { AgentUsage } from "@clawdspace/shared";
import type { Db } from "../store/db.js";

/** What a run adds to its task: the request and what Claude Code reported. */
export interface AgentRunRow {
  id: string;
  space: string;
  prompt: string;
  resume: string | null;
  model: string | null;
  maxTurns: number | null;
  sessionId: string | null;
  result: string | null;
  isError: boolean | null;
  numTurns: number | null;
  durationMs: number | null;
  costUsd: number | null;
  usage: AgentUsage | null;
  error: string | null;
  /** The ended run's transcript has been read for its summary. */
  summarized: boolean;
  createdAt: number;
}

interface Raw {
  id: string;
  space: string;
  prompt: string;
  resume: string | null;
  model: string | null;
  max_turns: number | null;
  session_id: string | null;
  result: string | null;
  is_error: number | null;
  num_turns: number | null;
  duration_ms: number | null;
  cost_usd: number | null;
  usage: string | null;
  error: string | null;
  summarized: number;
  created_at: number;
}

const fromRaw = (r: Raw): AgentRunRow => ({
  id: r.id,
  space: r.space,
  prompt: r.prompt,
  resume: r.resume,
  model: r.model,
  maxTurns: r.max_turns,
  sessionId: r.session_id,
  result: r.result,
  isError: r.is_error === null ? null : r.is_error === 1,
  numTurns: r.num_turns,
  durationMs: r.duration_ms,
  costUsd: r.cost_usd,
  usage: r.usage ? (JSON.parse(r.usage) as AgentUsage) : null,
  error: r.error,
  summarized: r.summarized === 1,
  createdAt: r.created_at,
});

export type RunSummary = Pick<AgentRunRow, "sessionId" | "result" | "isError" | "numTurns" | "durationMs" | "costUsd" | "usage" | "error">;

export class AgentRunRepo {
  constructor(private readonly db: Db) {}

  insert(r: Pick<AgentRunRow, "id" | "space" | "prompt" | "resume" | "model" | "maxTurns" | "createdAt">): void {
    this.db
      .prepare(
        `INSERT INTO agent_runs (id, space, prompt, resume, model, max_turns, created_at)
         VALUES (@id, @space, @prompt, @resume, @model, @maxTurns, @createdAt)`,
      )
      .run(r);
  }

  get(id: string): AgentRunRow | undefined {
    const r = this.db.prepare("SELECT * FROM agent_runs WHERE id = ?").get(id) as Raw | undefined;
    return r ? fromRaw(r) : undefined;
  }

  list(space: string, limit = 200): AgentRunRow[] {
    return (this.db.prepare("SELECT * FROM agent_runs WHERE space = ? ORDER BY created_at DESC, rowid DESC LIMIT ?").all(space, limit) as Raw[]).map(fromRaw);
  }

  /** The space's newest run that knows its session: what `resume: "last"` continues. */
  lastSession(space: string): string | null {
    const r = this.db.prepare("SELECT session_id FROM agent_runs WHERE space = ? AND session_id IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT 1").get(space) as
      | { session_id: string }
      | undefined;
    return r?.session_id ?? null;
  }

  setSession(id: string, sessionId: string): void {
    this.db.prepare("UPDATE agent_runs SET session_id = ? WHERE id = ? AND (session_id IS NULL OR session_id != ?)").run(sessionId, id, sessionId);
  }

  summarize(id: string, s: RunSummary): void {
    this.db
      .prepare(
        `UPDATE agent_runs SET session_id = COALESCE(@sessionId, session_id), result = @result, is_error = @isError, num_turns = @numTurns,
           duration_ms = @durationMs, cost_usd = @costUsd, usage = @usage, error = @error, summarized = 1 WHERE id = @id`,
      )
      .run({ ...s, id, isError: s.isError === null ? null : s.isError ? 1 : 0, usage: s.usage ? JSON.stringify(s.usage) : null });
  }

  removeSpace(space: string): void {
    this.db.prepare("DELETE FROM agent_runs WHERE space = ?").run(space);
  }
}
