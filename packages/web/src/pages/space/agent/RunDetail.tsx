import type { AgentRun } from "@clawdspace/shared";
import { isRunEnded } from "@clawdspace/shared/client";
import { useEffect, useRef } from "react";
import { relative } from "../../../components/format";
import { formatDuration } from "../../../components/taskFormat";
import { TaskStateBadge } from "../../../components/TaskStateBadge";
import { formatCost, formatTokens, runTitle } from "./agentFormat";
import { RunActions } from "./RunActions";
import { TranscriptView } from "./TranscriptView";
import { useRunTranscript } from "./useRunTranscript";

/** Elapsed time while it runs (on the browser's clock), Claude Code's own figure once it said. */
function durationOf(run: AgentRun, now: number): number | null {
  if (run.durationMs !== null) return run.durationMs;
  if (!run.startedAt) return null;
  const end = run.endedAt ? Date.parse(run.endedAt) : now;
  return Math.max(0, end - Date.parse(run.startedAt));
}

/** One run: its state, actions, transcript live, and what it cost once it ended. */
export function RunDetail({ run: listed, now, onResume }: { run: AgentRun; now: number; onResume: (sessionId: string) => void }) {
  const view = useRunTranscript(listed.space, listed.id);
  // The end line's run is newer than the list's until the list is fetched again.
  const run = view.ended && !isRunEnded(listed) ? view.ended : listed;
  const sessionId = run.sessionId ?? view.transcript.sessionId;
  const running = !isRunEnded(run);
  const ref = useRef<HTMLElement>(null);
  // On a phone the detail sits under the prompt box and the list: bring it into view.
  useEffect(() => {
    if (window.matchMedia?.("(max-width: 720px)").matches) ref.current?.scrollIntoView({ block: "start" });
  }, []);
  return (
    <section ref={ref} className="card task-detail run-detail" aria-labelledby="run-detail-title" data-run={run.id} data-state={run.state}>
      <div className="task-detail-head">
        <h2 id="run-detail-title">
          <span className="run-title">{runTitle(run)}</span> <TaskStateBadge state={run.state} />
        </h2>
        <RunActions run={run} sessionId={sessionId} onResume={onResume} />
      </div>
      <dl className="facts task-facts run-facts" data-testid="run-facts">
        <div>
          <dt>Started</dt>
          <dd>{run.startedAt ? <time dateTime={run.startedAt}>{relative(run.startedAt, now)}</time> : "not yet"}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{formatDuration(durationOf(run, now))}</dd>
        </div>
        <div>
          <dt>Turns</dt>
          <dd>{run.numTurns ?? "–"}</dd>
        </div>
        <div>
          <dt>Cost</dt>
          <dd>{formatCost(run.costUsd)}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{formatTokens(run.usage)}</dd>
        </div>
        <div>
          <dt>Model</dt>
          <dd>{run.model ?? "default"}</dd>
        </div>
        <div>
          <dt>Session</dt>
          <dd>{sessionId ? <code title={sessionId}>{sessionId.slice(0, 8)}</code> : "–"}</dd>
        </div>
        {run.resume && (
          <div>
            <dt>Went on from</dt>
            <dd>{run.resume === "last" ? "the last conversation" : <code title={run.resume}>{run.resume.slice(0, 8)}</code>}</dd>
          </div>
        )}
      </dl>
      {run.error && (
        <p className="error" role="alert">
          {run.error}
        </p>
      )}
      <TranscriptView prompt={run.prompt} view={view} running={running} />
    </section>
  );
}
