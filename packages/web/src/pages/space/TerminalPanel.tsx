import "@xterm/xterm/css/xterm.css";
import type { Space, TerminalKind } from "@clawdspace/shared";
import { useQuery } from "@tanstack/react-query";
import { FitAddon } from "@xterm/addon-fit";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef, useState } from "react";
import { terminalsQuery } from "../../api/queries/observe";
import { withAgentHint } from "../../components/agentHint";
import { relative } from "../../components/format";
import { useTerminalSocket, type SocketStatus } from "./useTerminalSocket";

const kindLabel = (k: TerminalKind | undefined) => (k === "claude" ? "Claude" : "shell");

export default function TerminalPanel({ space, state }: { space: string; state: Space["state"] }) {
  const host = useRef<HTMLDivElement>(null);
  const [term, setTerm] = useState<Terminal | null>(null);
  const { status, sessionId, view, error, send, switchTo } = useTerminalSocket(space, term);
  const sessions = useQuery(terminalsQuery(space));

  // The xterm lives as long as the panel: sockets come and go under it.
  useEffect(() => {
    const t = new Terminal({ cursorBlink: true, fontSize: 13, fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", theme: { background: "#0b0e14" }, scrollback: 5000 });
    const fit = new FitAddon();
    t.loadAddon(fit);
    t.loadAddon(new WebLinksAddon());
    t.open(host.current!);
    fit.fit();
    const enc = new TextEncoder();
    const input = t.onData((d) => send(enc.encode(d)));
    const ro = new ResizeObserver(() => {
      fit.fit();
      send(JSON.stringify({ type: "resize", cols: t.cols, rows: t.rows }));
    });
    ro.observe(host.current!);
    t.focus();
    setTerm(t);
    return () => {
      setTerm(null);
      ro.disconnect();
      input.dispose();
      t.dispose();
    };
  }, [send]);

  const shown: SocketStatus = state !== "running" && status === "connected" ? "paused" : status;
  const kind = sessions.data?.find((x) => x.id === sessionId)?.kind;
  return (
    <div className="terminal-panel">
      <div className="row term-bar">
        <span className={`status status-${shown}`} role="status" aria-live="polite" data-testid="terminal-status">
          {shown === "connected" ? (view ? "watching" : "connected") : shown}
        </span>
        {kind === "claude" && shown !== "failed" && (
          <span className="badge term-kind" data-testid="terminal-kind">
            Claude
          </span>
        )}
        {shown === "failed" && (
          <button type="button" onClick={() => switchTo({ view: false, kind: "claude" })}>
            Try again
          </button>
        )}
        <button type="button" onClick={() => switchTo({ view: false })}>
          New terminal
        </button>
        <button type="button" onClick={() => switchTo({ view: false, kind: "claude" })} title="Claude Code in the terminal, interactive">
          New Claude session
        </button>
        <label className="small muted sessions-label" htmlFor="sessions">
          Sessions
        </label>
        <select
          id="sessions"
          value=""
          onChange={(e) => {
            const [mode, id] = e.target.value.split(":");
            if (!id) return;
            switchTo({ session: { id, offset: -1 }, view: mode === "view" });
          }}
        >
          <option value="">{sessionId ? `this: ${kindLabel(kind)} ${sessionId.slice(0, 8)}` : "—"}</option>
          {(sessions.data ?? [])
            .filter((x) => x.id !== sessionId)
            .flatMap((x) => [
              <option key={`a${x.id}`} value={`attach:${x.id}`}>
                Attach {kindLabel(x.kind)} {x.id.slice(0, 8)} ({x.viewers} viewing, output {relative(x.lastOutputAt)})
              </option>,
              <option key={`v${x.id}`} value={`view:${x.id}`}>
                Watch {kindLabel(x.kind)} {x.id.slice(0, 8)}
              </option>,
            ])}
        </select>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="terminal-error">
          {withAgentHint(error.message, error.code)}
        </p>
      )}
      <div ref={host} className="terminal" data-testid="terminal" />
    </div>
  );
}
