import type { TerminalServerMessage } from "@clawdspace/shared/client";
import WebSocket from "ws";
import { DetachMatcher } from "./detachKeys.js";
import { upgradeRefusal } from "../http/upgradeRefusal.js";

export interface TerminalOptions {
  /** the terminal's ws:// URL (ClawdspaceClient.terminalUrl); the key never goes in it */
  wsUrl: string;
  /** sent in the upgrade request's Authorization header */
  key?: string;
  /** where the session starts, so the offset counts from there */
  since?: number;
  view?: boolean;
  session?: string;
  detachKeys: number[];
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** one line for a person (state changes), printed dim on stderr */
  notice: (line: string) => void;
  size: () => { cols: number; rows: number } | undefined;
  /** subscribes to terminal size changes (SIGWINCH); returns the unsubscribe */
  onResize: (listener: () => void) => () => void;
  pingEveryMs?: number;
}

export interface TerminalEnd {
  reason: "detached" | "exited" | "lost";
  session?: string;
  offset: number;
}

const STATUS_TEXT: Record<string, string> = {
  paused: "space paused: output resumes when it wakes",
  sleeping: "space asleep: typing wakes it",
  hibernated: "space hibernated: typing wakes it",
  running: "space running",
};

/** Runs one WebSocket connection to a terminal session until detach, shell exit or a lost connection. */
export function runTerminal(o: TerminalOptions): Promise<TerminalEnd> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(o.wsUrl, {
      headers: o.key ? { authorization: `Bearer ${o.key}` } : {},
      perMessageDeflate: false,
    });
    const matcher = new DetachMatcher(o.detachKeys);
    let session = o.session;
    let offset = o.since ?? 0;
    let ending: TerminalEnd["reason"] | undefined;
    let opened = false;

    const sendResize = () => {
      const s = o.size();
      if (s && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "resize", cols: s.cols, rows: s.rows }));
    };
    const unsubscribeResize = o.onResize(sendResize);
    const ping = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "ping" }));
    }, o.pingEveryMs ?? 30_000);

    const onInput = (chunk: Buffer | string) => {
      const { forward, detach } = matcher.feed(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      if (forward.length && !o.view && ws.readyState === WebSocket.OPEN) ws.send(forward, { binary: true });
      if (detach) {
        ending = "detached";
        ws.close(1000, "detached");
      }
    };
    const onInputEnd = () => {
      // stdin closed (a pipe ran dry): nothing more will be typed, so leave the session running.
      if (!ending) {
        ending = "detached";
        ws.close(1000, "input ended");
      }
    };
    o.input.on("data", onInput);
    o.input.on("end", onInputEnd);

    const cleanup = () => {
      clearInterval(ping);
      unsubscribeResize();
      o.input.off("data", onInput);
      o.input.off("end", onInputEnd);
    };

    ws.on("unexpected-response", (_req, res) => {
      void upgradeRefusal(res, "terminal").then((err) => {
        cleanup();
        reject(err);
      });
    });
    ws.on("open", () => {
      opened = true;
      sendResize();
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        offset += data.length;
        if (!o.output.write(data)) {
          // A slow terminal: stop reading the socket until it catches up (the server keeps a cursor).
          ws.pause();
          o.output.once("drain", () => ws.resume());
        }
        return;
      }
      let msg: TerminalServerMessage;
      try {
        msg = JSON.parse(data.toString("utf8")) as TerminalServerMessage;
      } catch {
        return;
      }
      if (msg.type === "session") {
        session = msg.id;
        offset = msg.offset;
      } else if (msg.type === "status") {
        if (msg.state === "exited") {
          ending = "exited";
          o.notice(`[shell exited${msg.exitCode !== undefined ? ` with code ${msg.exitCode}` : ""}]`);
        } else if (msg.state === "gap") {
          // The server's cursor jumped over what it no longer has; ours follows, or a reattach would ask for it again.
          offset += msg.missed ?? 0;
          o.notice(`[${msg.missed ?? "some"} bytes of output were lost: they fell out of the server's replay buffer]`);
        } else o.notice(`[${STATUS_TEXT[msg.state] ?? msg.state}]`);
      } else if (msg.type === "error") {
        o.notice(`[server: ${msg.error ?? "error"}${msg.code ? ` (${msg.code})` : ""}]`);
      }
    });
    ws.on("close", (code) => {
      cleanup();
      // The server ends the socket with 1000 after the shell exits; anything else unasked is a lost connection.
      const reason = ending ?? (code === 1000 ? "exited" : "lost");
      resolve({ reason, session, offset });
    });
    ws.on("error", (err) => {
      if (!opened && !ending) {
        cleanup();
        reject(err);
      }
    });
  });
}
