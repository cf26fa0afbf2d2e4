import type { TerminalServerMessage } from "@clawdspace/shared/client";
import { useQueryClient } from "@tanstack/react-query";
import type { Terminal } from "@xterm/xterm";
import { useCallback, useEffect, useRef, useState } from "react";
import { client } from "../../api/client";
import { terminalsQuery } from "../../api/queries/observe";
import { backoff, initialTarget, sessionStore, socketQuery, type Target } from "./terminalSession";

export type SocketStatus = "connecting" | "connected" | "reconnecting" | "paused" | "exited" | "failed";

// Asking again gets the same answer: the space's image has no Claude Code, or there is nothing to resume.
const FINAL_CODES = new Set(["AGENT_UNSUPPORTED"]);

/**
 * Owns the terminal's WebSocket: connects to `target`, reconnects with backoff resuming from the
 * last offset shown, and writes output into `term`. Switching sessions replaces the socket only;
 * the xterm stays (cleared, since the next session replays its own output).
 */
export function useTerminalSocket(space: string, term: Terminal | null) {
  const qc = useQueryClient();
  const ws = useRef<WebSocket | null>(null);
  // A fresh xterm (a reload) shows nothing yet: attach without `since` so the server replays all it
  // kept, once. Reconnects within this page send `since` so nothing already shown comes twice.
  const target = useRef<Target>(initialTarget(space));
  const [status, setStatus] = useState<SocketStatus>("connecting");
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [view, setView] = useState(false);
  const [error, setError] = useState<{ message: string; code: string } | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!term) return;
    const t = term;
    t.reset();
    let closed = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const retry = () => {
      setStatus("reconnecting");
      timer = setTimeout(() => void connect(), backoff(attempt++));
    };

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
        const tk = await client.terminalTicket(space);
        if (closed) return;
        const cur = target.current;
        const sock = new WebSocket(client.terminalUrl(space, socketQuery(tk.ticket, cur, t)));
        sock.binaryType = "arraybuffer";
        ws.current = sock;
        let offset = cur.session?.offset ?? 0;
        let id: string | null = null;
        let exited = false;
        let failed = false;
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
          const msg = JSON.parse(m.data) as TerminalServerMessage;
          if (msg.type === "session") {
            id = msg.id;
            offset = msg.offset;
            attempt = 0;
            setSessionId(id);
            setView(cur.view);
            setStatus("connected");
            setError(null);
            // From here a reconnect is to this session, even before it printed anything: a Claude
            // session is silent for a while, and asking for a new one would start a second.
            target.current = { session: { id, offset }, view: cur.view };
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
          } else if (msg.type === "error") {
            setError({ message: msg.error, code: msg.code });
            if (FINAL_CODES.has(msg.code) && !id) {
              failed = true;
              target.current = { view: false };
              setStatus("failed");
            }
          }
        };
        sock.onclose = () => {
          if (closed || ws.current !== sock || exited || failed) return;
          // The server refuses a Claude session in an image without Claude Code as a 409 on the
          // upgrade, which a browser only sees as a close. The ticket just came back, so the server
          // is there: a new Claude session closed before its session message was refused.
          if (!id && cur.kind === "claude" && !cur.session) {
            target.current = { view: false };
            setError({ message: "Claude Code did not start in this space: the server refused the session.", code: "AGENT_UNSUPPORTED" });
            setStatus("failed");
            return;
          }
          retry();
        };
      } catch {
        if (!closed) retry();
      }
    };
    void connect();
    return () => {
      closed = true;
      clearTimeout(timer);
      const sock = ws.current;
      ws.current = null;
      sock?.close();
    };
  }, [space, term, generation, qc]);

  /** Keystrokes (bytes) and resizes (JSON) go only to an open socket that may type. */
  const send = useCallback((frame: string | Uint8Array) => {
    if (ws.current?.readyState === WebSocket.OPEN && !target.current.view) ws.current.send(frame);
  }, []);

  const switchTo = useCallback(
    (next: Target) => {
      target.current = next;
      if (!next.view && next.session) sessionStore.set(space, next.session);
      setError(null);
      setStatus("connecting");
      setGeneration((g) => g + 1);
    },
    [space],
  );

  return { status, sessionId, view, error, send, switchTo };
}
