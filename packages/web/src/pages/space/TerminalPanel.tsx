import "@xterm/xterm/css/xterm.css";
import type { SpaceState } from "@clawdspace/shared";
import { useQuery } from "@tanstack/react-query";
import { FitAddon } from "@xterm/addon-fit";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import { useEffect, useRef, useState } from "react";
import { terminalsQuery } from "../../api/queries/observe";
import { relative } from "../../components/format";
import { useTerminalSocket, type SocketStatus } from "./useTerminalSocket";

export default function TerminalPanel({ space, state }: { space: string; state: SpaceState }) {
  const host = useRef<HTMLDivElement>(null);
  const [term, setTerm] = useState<Terminal | null>(null);
  const { status, sessionId, view, send, switchTo } = useTerminalSocket(space, term);
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
  return (
    <div className="terminal-panel">
      <div className="row term-bar">
        <span className={`status status-${shown}`} role="status" aria-live="polite" data-testid="terminal-status">
          {shown === "connected" ? (view ? "watching" : "connected") : shown}
        </span>
        {shown === "exited" && (
          <button type="button" onClick={() => switchTo({ view: false })}>
            New session
          </button>
        )}
        <label className="small muted sessions-label" htmlFor="sessions">
          Sessions
        </label>
        <select
          id="sessions"
          value=""
          onChange={(e) => {
            const [mode, id] = e.target.value.split(":");
            if (!id) return switchTo({ view: false });
            switchTo({ session: { id, offset: -1 }, view: mode === "view" });
          }}
        >
          <option value="">{sessionId ? `this: ${sessionId.slice(0, 8)}` : "—"}</option>
          <option value="new:">Start a new session</option>
          {(sessions.data ?? [])
            .filter((x) => x.id !== sessionId)
            .flatMap((x) => [
              <option key={`a${x.id}`} value={`attach:${x.id}`}>
                Attach {x.id.slice(0, 8)} ({x.viewers} viewing, output {relative(x.lastOutputAt)})
              </option>,
              <option key={`v${x.id}`} value={`view:${x.id}`}>
                Watch {x.id.slice(0, 8)}
              </option>,
            ])}
        </select>
      </div>
      <div ref={host} className="terminal" data-testid="terminal" />
    </div>
  );
}
