import { useStickToBottom } from "../useStickToBottom";
import type { FollowStatus, RunView } from "./followRun";
import { TranscriptEntry } from "./TranscriptEntry";

const STATUS_TEXT: Record<FollowStatus, string> = {
  following: "live",
  reconnecting: "reconnecting…",
  ended: "complete",
  error: "stopped",
};

/** The conversation as it comes: the prompt, then what Claude says and does, kept at the bottom unless the reader scrolled up. */
export function TranscriptView({ prompt, view, running }: { prompt: string; view: RunView; running: boolean }) {
  const { items } = view.transcript;
  const { box, away, onScroll, toEnd } = useStickToBottom<HTMLDivElement>(items);
  const waiting = view.status === "following" || view.status === "reconnecting";

  return (
    <div className="transcript-wrap">
      <div className="row task-log-bar">
        <span className={`status log-${view.status}`} role="status" data-testid="transcript-status">
          {STATUS_TEXT[view.status]}
        </span>
        {away && (
          <button type="button" className="small" onClick={toEnd}>
            Jump to latest
          </button>
        )}
      </div>
      {view.error && (
        <p className="error" role="alert">
          {view.error}
        </p>
      )}
      <div ref={box} className="transcript" onScroll={onScroll} tabIndex={0} role="log" aria-live="off" aria-label="Transcript" data-testid="transcript">
        <div className="tx-prompt">
          <div className="tx-who">You</div>
          <p>{prompt}</p>
        </div>
        {items.map((it) => (
          <TranscriptEntry key={it.key} item={it} items={items} running={running} />
        ))}
        {items.length === 0 && <p className="muted">{waiting && running ? "Waiting for Claude…" : waiting ? "Loading the transcript…" : "Nothing was recorded."}</p>}
        {running && items.length > 0 && waiting && (
          <p className="tx-working muted small" aria-hidden="true">
            working…
          </p>
        )}
      </div>
    </div>
  );
}
