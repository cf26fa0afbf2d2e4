import type { AgentRun } from "@clawdspace/shared";
import { relative } from "../../../components/format";
import { TaskStateBadge } from "../../../components/TaskStateBadge";
import { formatCost, runTitle } from "./agentFormat";

/** The space's runs, newest first: state, prompt, when, and what it cost. */
export function RunList({ space, runs, selected, onSelect, now }: { space: string; runs: readonly AgentRun[]; selected: string | null; onSelect: (id: string) => void; now: number }) {
  return (
    <ul className="task-list run-list" aria-label={`Claude runs of ${space}`}>
      {runs.map((r) => (
        <li key={r.id} data-run={r.id} data-state={r.state}>
          <button type="button" className="task-row" aria-current={r.id === selected ? "true" : undefined} onClick={() => onSelect(r.id)}>
            <span className="task-row-top">
              <TaskStateBadge state={r.state} />
              <span className="run-title">{runTitle(r)}</span>
            </span>
            <span className="task-row-facts muted small">
              <span>{r.startedAt ? `started ${relative(r.startedAt, now)}` : `queued ${relative(r.createdAt, now)}`}</span>
              {r.numTurns !== null && <span>{r.numTurns} turns</span>}
              {r.costUsd !== null && <span>{formatCost(r.costUsd)}</span>}
              {r.resume && <span>continued</span>}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
