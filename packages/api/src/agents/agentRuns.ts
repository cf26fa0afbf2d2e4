import type { AgentRun, AgentRunInput } from "@clawdspace/shared";
import type { Logger } from "pino";
import type { AuditLog } from "../audit/auditLog.js";
import type { Actor } from "../core/actor.js";
import { NotFoundError } from "../core/errors.js";
import { maskString } from "../core/mask.js";
import { WORKSPACE } from "../engine/naming.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";
import type { TaskRow } from "../tasks/taskRepo.js";
import type { TaskService } from "../tasks/taskService.js";
import type { AgentRunRepo, AgentRunRow } from "./agentRunRepo.js";
import { runArgv, type ClaudeProbe } from "./claudeCommand.js";
import type { AgentCredentialStore } from "./credentials.js";

export interface AgentRunDeps {
  repo: AgentRunRepo;
  tasks: TaskService;
  lifecycle: Pick<SpaceLifecycle, "withWake">;
  probe: ClaudeProbe;
  credentials: AgentCredentialStore;
  audit: AuditLog;
  log: Logger;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A run's wire shape from its row and its task's. */
export function toRun(r: AgentRunRow, t: TaskRow): AgentRun {
  // Claude Code may exit 0 and still report the run failed (max turns, an API error).
  const state = t.state === "succeeded" && r.isError === true ? "failed" : t.state;
  return {
    id: r.id,
    space: r.space,
    prompt: r.prompt,
    resume: r.resume,
    model: r.model,
    maxTurns: r.maxTurns,
    state,
    sessionId: r.sessionId,
    result: r.result,
    isError: r.isError,
    numTurns: r.numTurns,
    durationMs: r.durationMs,
    costUsd: r.costUsd,
    usage: r.usage,
    exitCode: t.exitCode,
    error: r.error ?? (state === "interrupted" || state === "timed-out" || state === "cancelled" ? t.reason : null),
    createdAt: iso(r.createdAt)!,
    startedAt: iso(t.startedAt),
    endedAt: iso(t.endedAt),
  };
}

/** Claude Code runs: each a background task of its space, remembered with what the agent reported. */
export class AgentRuns {
  constructor(private readonly d: AgentRunDeps) {}

  async start(space: string, input: AgentRunInput, who: Actor = {}): Promise<{ run: AgentRun; wake?: "warm" | "cold" }> {
    const { wake } = await this.d.lifecycle.withWake(space, "agent", who, () => this.d.probe.require(space));
    // "last" is the newest run we know; after a re-creation we know none, and the volume's newest conversation is meant.
    const resume = input.resume === "last" ? (this.d.repo.lastSession(space) ?? "continue") : (input.resume ?? null);
    const argv = runArgv({ prompt: input.prompt, resume, model: input.model, maxTurns: input.maxTurns });
    const started = await this.d.tasks.start(
      space,
      {
        command: argv,
        cwd: WORKSPACE,
        env: this.d.credentials.envFor(space),
        name: `claude: ${input.prompt.replace(/\s+/g, " ").slice(0, 80)}`,
        keepAwake: true,
        timeoutMs: input.timeoutMs,
      },
      who,
    );
    const id = started.task.id;
    this.d.repo.insert({
      id,
      space,
      prompt: maskString(input.prompt),
      resume: resume === "continue" ? "last" : resume,
      model: input.model ?? null,
      maxTurns: input.maxTurns ?? null,
      createdAt: Date.parse(started.task.createdAt),
    });
    this.d.audit.append({ ...who, space, type: "agent.run", meta: { id, resume: resume === "continue" ? "last" : resume, model: input.model ?? null, maxTurns: input.maxTurns ?? null } });
    this.d.log.info({ space, run: id, resume: Boolean(resume) }, "agent run started");
    const w = wake ?? started.wake;
    return { run: this.view(space, id), ...(w ? { wake: w } : {}) };
  }

  /** The run's row and its task's; a run whose task was deleted is gone too. */
  rows(space: string, id: string): { run: AgentRunRow; task: TaskRow } {
    const run = this.d.repo.get(id);
    if (!run || run.space !== space) throw new NotFoundError(`No agent run ${id} in space ${space}`);
    let task: TaskRow;
    try {
      task = this.d.tasks.get(space, id);
    } catch {
      throw new NotFoundError(`No agent run ${id} in space ${space} (its task was deleted)`);
    }
    return { run, task };
  }

  view(space: string, id: string): AgentRun {
    const { run, task } = this.rows(space, id);
    return toRun(run, task);
  }

  async list(space: string): Promise<AgentRun[]> {
    await this.d.tasks.listSpace(space);
    const out: AgentRun[] = [];
    for (const r of this.d.repo.list(space)) {
      try {
        out.push(toRun(r, this.d.tasks.get(space, r.id)));
      } catch {
        // its task was deleted: the run went with it
      }
    }
    return out;
  }

  async cancel(space: string, id: string, who: Actor = {}): Promise<AgentRun> {
    this.rows(space, id);
    await this.d.tasks.cancel(space, id, who);
    return this.view(space, id);
  }

  lastSession(space: string): string | null {
    return this.d.repo.lastSession(space);
  }

  forgetSpace(space: string): void {
    this.d.repo.removeSpace(space);
    this.d.credentials.remove(space);
    this.d.probe.forget(space);
  }
}
