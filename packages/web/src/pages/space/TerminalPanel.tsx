import "@xterm/xterm/css/xterm.css";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { FitAddon } from "@xterm/addon-fit";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import { useCallback, useEffect, useRef, useState } from "react";
import { terminalsQuery, ticket } from "../../api/queries/observe";
import type { SpaceState } from "../../api/types";
import { relative } from "../../components/format";
import { backoff, sessionStore, terminalUrl, type SavedSession } from "./terminalSession";

type Status = "connecting" | "connected" | "reconnecting" | "paused" | "exited";

interface Target {
  session?: SavedSession;
  view: boolean;
}

function fresh(space: string): Target {
  const saved = sessionStore.get(space);
  return { session: saved ? { id: saved.id, offset: -1 } : undefined, view: false };
}

export default function TerminalPanel({ space, state }: { space: string; state: SpaceState }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<Terminal | null>(null);
  const ws = useRef<WebSocket | null>(null);
  // A fresh xterm (a reload) shows nothing yet: attach without `since` so the server replays all it
  // kept, once. Reconnects within this page send `since` so nothing already shown comes twice.
  const target = useRef<Target>(fresh(space));
  const [status, setStatus] = useState<Status>("connecting");
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [view, setView] = useState(false);
  const [generation, setGeneration] = useState(0);
  const sessions = useQuery(terminalsQuery(space));
  const qc = useQueryClient();

  useEffect(() => {
    const t = new Terminal({ cursorBlink: true, fontSize: 13, fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", theme: { background: "#0b0e14" }, scrollback: 5000 });
    const fit = new FitAddon();
    t.loadAddon(fit);
    t.loadAddon(new WebLinksAddon());
    t.open(host.current!);
    fit.fit();
    term.current = t;
    let closed = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const enc = new TextEncoder();

    const connect = async () => {
      if (closed) return;
      try {
        const tgt = target.current;
        if (tgt.session) {
          // A session that ended (a server restart, hibernation) cannot be resumed: start afresh.
          const live = await qc.fetchQuery({ ...terminalsQuery(space), staleTime: 0 });
          if (!live.some((x) => x.id === tgt.session!.id)) {
            sessionStore.clear(space);
            target.current = { view: false };
          }
        }
        const tk = await ticket(space);
        if (closed) return;
        const cur = target.current;
        const sock = new WebSocket(terminalUrl(location, tk.path, tk.ticket, { session: cur.session, view: cur.view, cols: t.cols, rows: t.rows }));
        sock.binaryType = "arraybuffer";
        ws.current = sock;
        let offset = cur.session?.offset ?? 0;
        let id: string | null = null;
        let exited = false;
        sock.onmessage = (m) => {
          if (typeof m.data !== "string") {
            const b = new Uint8Array(m.data as ArrayBuffer);
            t.write(b);
            offset += b.byteLength;
            if (id && !cur.view) {
              target.current = { session: { id, offset }, view: false };
              sessionStore.set(space, { id, offset });
            } else if (id) target.current = { session: { id, offset }, view: true };
            return;
          }
          const msg = JSON.parse(m.data) as { type: string; id?: string; offset?: number; state?: string; missed?: number };
          if (msg.type === "session" && msg.id) {
            id = msg.id;
            offset = msg.offset ?? 0;
            attempt = 0;
            setSessionId(id);
            setView(cur.view);
            setStatus("connected");
            if (!cur.view) sessionStore.set(space, { id, offset });
            void qc.invalidateQueries({ queryKey: ["terminals", space] });
          } else if (msg.type === "status") {
            if (msg.state === "paused" || msg.state === "sleeping" || msg.state === "hibernated") setStatus("paused");
            else if (msg.state === "running") setStatus("connected");
            else if (msg.state === "gap") t.write(`\r\n\x1b[33m[${msg.missed} bytes of output were lost]\x1b[0m\r\n`);
            else if (msg.state === "exited") {
              exited = true;
              sessionStore.clear(space);
              target.current = { view: false };
              setStatus("exited");
            }
          }
        };
        sock.onclose = () => {
          if (closed || ws.current !== sock) return;
          if (exited) return;
          setStatus("reconnecting");
          timer = setTimeout(() => void connect(), backoff(attempt++));
        };
      } catch {
        if (closed) return;
        setStatus("reconnecting");
        timer = setTimeout(() => void connect(), backoff(attempt++));
      }
    };
    void connect();

    const input = t.onData((d) => {
      if (ws.current?.readyState === WebSocket.OPEN && !target.current.view) ws.current.send(enc.encode(d));
    });
    const ro = new ResizeObserver(() => {
      fit.fit();
      if (ws.current?.readyState === WebSocket.OPEN && !target.current.view) ws.current.send(JSON.stringify({ type: "resize", cols: t.cols, rows: t.rows }));
    });
    ro.observe(host.current!);
    t.focus();
    return () => {
      closed = true;
      clearTimeout(timer);
      ro.disconnect();
      input.dispose();
      const sock = ws.current;
      ws.current = null;
      sock?.close();
      t.dispose();
    };
  }, [space, generation, qc]);

  const switchTo = useCallback(
    (next: Target) => {
      target.current = next;
      if (!next.view && next.session) sessionStore.set(space, next.session);
      setStatus("connecting");
      setGeneration((g) => g + 1);
    },
    [space],
  );

  const shown: Status = state !== "running" && status === "connected" ? "paused" : status;
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
