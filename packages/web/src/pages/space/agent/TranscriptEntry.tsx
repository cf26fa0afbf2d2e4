import type { AgentEvent } from "@clawdspace/shared";
import { Markdown } from "../../../components/markdown/Markdown";
import { toolInputText, toolSummary } from "./agentFormat";
import { resultTextToShow, type TranscriptItem } from "./transcript";

type ToolResult = Extract<AgentEvent, { type: "tool_result" }>;

function ResultBody({ result }: { result: ToolResult }) {
  return (
    <div className="tx-tool-part">
      <div className="tx-tool-label">{result.isError ? "Error" : "Result"}</div>
      <pre className={result.isError ? "tx-pre tx-pre-error" : "tx-pre"} data-testid="tool-result">
        {result.content || "(no output)"}
      </pre>
      {result.truncated && <p className="muted small">Cut short: the rest is in the run's raw log (its task).</p>}
    </div>
  );
}

/** A tool call, collapsed to one line (tool, what it does, how it went); open for its input and result. */
function ToolEntry({ item, running }: { item: Extract<TranscriptItem, { kind: "tool" }>; running: boolean }) {
  const { call, result } = item;
  const state = result ? (result.isError ? "error" : "done") : running ? "running" : "no result";
  return (
    <details className="tx-tool" data-tool={call.name} data-state={state} data-testid="tool-call">
      <summary>
        <span className="tx-tool-name">{call.name}</span>
        <code className="tx-tool-sum">{toolSummary(call.name, call.input)}</code>
        <span className={`tx-tool-state tx-tool-${state.replace(" ", "-")}`}>{state === "running" ? "running…" : state}</span>
      </summary>
      <div className="tx-tool-body">
        <div className="tx-tool-part">
          <div className="tx-tool-label">Input</div>
          <pre className="tx-pre">{toolInputText(call.name, call.input)}</pre>
        </div>
        {result && <ResultBody result={result} />}
      </div>
    </details>
  );
}

export function TranscriptEntry({ item, items, running }: { item: TranscriptItem; items: readonly TranscriptItem[]; running: boolean }) {
  switch (item.kind) {
    case "init": {
      const e = item.event;
      const bits = [e.sessionId && `session ${e.sessionId.slice(0, 8)}`, e.model, e.cwd].filter(Boolean);
      return <p className="tx-init muted small">Claude Code started{bits.length ? `: ${bits.join(" · ")}` : ""}</p>;
    }
    case "text":
      return <Markdown className="tx-text" text={item.text} />;
    case "thinking":
      return (
        <details className="tx-thinking">
          <summary>Thinking</summary>
          <p className="tx-thinking-text">{item.text}</p>
        </details>
      );
    case "tool":
      return <ToolEntry item={item} running={running} />;
    case "orphan-result":
      return (
        <details className="tx-tool" data-state={item.result.isError ? "error" : "done"}>
          <summary>
            <span className="tx-tool-name">Tool result</span>
            <code className="tx-tool-sum">{item.result.toolUseId}</code>
          </summary>
          <div className="tx-tool-body">
            <ResultBody result={item.result} />
          </div>
        </details>
      );
    case "result": {
      const e = item.event;
      const text = resultTextToShow(items.slice(0, items.indexOf(item)), e);
      return (
        <div className={e.isError ? "tx-result tx-result-error" : "tx-result"} data-testid="run-result">
          <p className="tx-result-head">{e.isError ? `Ended with an error${e.subtype && e.subtype !== "success" ? ` (${e.subtype.replace(/_/g, " ")})` : ""}` : "Done"}</p>
          {text && <Markdown className="tx-text" text={text} />}
        </div>
      );
    }
    case "output":
      return <pre className="tx-pre tx-output">{item.text}</pre>;
    case "error":
      return (
        <p className="error tx-error" role="alert">
          {item.message}
        </p>
      );
  }
}
