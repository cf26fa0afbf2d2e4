import { useStickToBottom } from "../useStickToBottom";
import type { LogStatus } from "./followLog";
import { useTaskLog } from "./useTaskLog";

const STATUS_TEXT: Record<LogStatus, string> = {
  following: "following",
  reconnecting: "reconnecting…",
  ended: "complete",
  error: "stopped",
};

/** A task's output as it comes: stderr marked, kept at the bottom unless the reader scrolled up. */
export function TaskLog({ space, id, title }: { space: string; id: string; title: string }) {
  const { log, status, error } = useTaskLog(space, id);
  const { box, away, onScroll, toEnd } = useStickToBottom<HTMLPreElement>(log);

  return (
    <div className="task-log">
      <div className="row task-log-bar">
        <span className={`status log-${status}`} role="status" data-testid="log-status">
          {STATUS_TEXT[status]}
        </span>
        <span className="legend small">
          <span className="legend-out">stdout</span> <span className="legend-err">stderr</span>
        </span>
        {away && (
          <button type="button" className="small" onClick={toEnd}>
            Jump to latest
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <pre ref={box} className="log" onScroll={onScroll} tabIndex={0} role="log" aria-live="off" aria-label={`Output of ${title}`} data-testid="task-log">
        {log.trimmed && <span className="log-gap">[earlier output hidden here to keep the page light]{"\n"}</span>}
        {log.chunks.map((c) => (
          <span key={c.id} className={`log-${c.kind}`} data-stream={c.kind}>
            {c.text}
          </span>
        ))}
        {log.chunks.length === 0 && <span className="muted">{status === "ended" ? "No output." : "Waiting for output…"}</span>}
      </pre>
    </div>
  );
}
