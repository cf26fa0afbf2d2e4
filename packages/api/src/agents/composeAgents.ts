import type { Logger } from "pino";
import type { AuditLog } from "../audit/auditLog.js";
import type { ContainersPort } from "../engine/ports/containers.js";
import type { InternalExec } from "../engine/internalExec.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";
import type { Db } from "../store/db.js";
import type { TaskParts } from "../tasks/composeTasks.js";
import { AgentRunRepo } from "./agentRunRepo.js";
import { AgentRuns } from "./agentRuns.js";
import { AgentTranscripts } from "./agentTranscripts.js";
import { ClaudeProbe, ClaudeSessions } from "./claudeCommand.js";
import { AgentCredentialStore } from "./credentials.js";

export interface AgentParts {
  runs: AgentRuns;
  transcripts: AgentTranscripts;
  sessions: ClaudeSessions;
  credentials: AgentCredentialStore;
}

/** Wires Claude Code runs and sessions over the task domain. */
export function composeAgents(
  d: { db: Db; internal: InternalExec; containers: Pick<ContainersPort, "inspect">; lifecycle: SpaceLifecycle; tasks: TaskParts; audit: AuditLog; events: SpaceEvents; log: Logger },
  cfg: { dataDir: string; credentialsFile?: string },
): AgentParts {
  const repo = new AgentRunRepo(d.db);
  const credentials = new AgentCredentialStore(cfg.dataDir, cfg.credentialsFile, d.log);
  const probe = new ClaudeProbe(d.internal.with({ maxBytes: 4096, deadlineMs: 15_000 }), d.containers);
  const runs = new AgentRuns({ repo, tasks: d.tasks.service, lifecycle: d.lifecycle, probe, credentials, audit: d.audit, log: d.log });
  const transcripts = new AgentTranscripts(runs, repo, d.tasks.logs, d.containers, credentials, d.log);
  d.events.onTask((e) => {
    if (e.state === "running" || !repo.get(e.id)) return;
    void transcripts.onEnded(e.space, e.id).catch((err) => d.log.debug({ err, run: e.id }, "agent run summary deferred"));
  });
  d.events.on((e) => {
    if (e.state === "destroyed") runs.forgetSpace(e.space);
  });
  return { runs, transcripts, sessions: new ClaudeSessions(probe, credentials, (s) => repo.lastSession(s)), credentials };
}
