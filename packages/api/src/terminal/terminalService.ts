import {
  TerminalClientMessageSchema,
  type TerminalQuery,
  type TerminalSessionInfo,
  type WakeTier,
} from "@clawdspace/shared";
import type { Logger } from "pino";
import type { RawData, WebSocket } from "ws";
import { WORKSPACE } from "../engine/naming.js";
import type { ExecPort } from "../engine/ports/exec.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { ActivityTracker } from "../sleep/activity.js";
import { EXEC_ID_ENV, killExec } from "../exec/execCleanup.js";
import type { Actor } from "../core/actor.js";
import { DomainError, InvalidInputError } from "../core/errors.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import type { HistoryReader } from "./historyReader.js";
import { TerminalSession, type Viewer } from "./session.js";
import { TicketStore } from "./tickets.js";

export interface TerminalOptions {
  bufferBytes: number;
  /** A session nobody watches ends after this long. */
  idleMs: number;
  socketHighWaterBytes: number;
  /** Output counts as activity only this long after the last keystroke. */
  outputActivityMs: number;
  /** Browser origins allowed besides the server's own host; "*" allows any. */
  allowedOrigins: string[];
  /** The origin of CLAWDSPACE_PUBLIC_URL, when set: the only own origin a browser's terminal may come from. */
  publicOrigin?: string;
  /** What one client can make us hold: shells per space and in all, sockets per session. */
  limits?: { sessionsPerSpace: number; sessions: number; viewersPerSession: number };
}

export const DEFAULT_TERMINAL_LIMITS = { sessionsPerSpace: 16, sessions: 256, viewersPerSession: 32 };
/** Keystrokes kept while the shell starts; past this the socket is closed (1009) rather than buffered. */
const EARLY_INPUT_MAX = 1024 * 1024;

const DEFAULT_SIZE = { cols: 80, rows: 24 };
/** Activity marks from output are coalesced to one a second per session. */
const OUTPUT_MARK_EVERY_MS = 1000;

/** Every terminal session of the server: made on connect, shared by its sockets, ended by exit, idleness or destroy. */
export class TerminalService {
  readonly tickets: TicketStore;
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly idleTimers = new Map<TerminalSession, NodeJS.Timeout>();
  private readonly outputMarks = new Map<TerminalSession, number>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly exec: ExecPort,
    private readonly lifecycle: SpaceLifecycle,
    private readonly activity: ActivityTracker,
    private readonly audit: AuditLog,
    readonly history: HistoryReader,
    events: SpaceEvents,
    private readonly log: Logger,
    readonly opts: TerminalOptions,
    clock: () => number = Date.now,
    /** What a `kind=claude` session runs; without it such sessions are refused. */
    private readonly claude?: { check(space: string): Promise<void>; command(space: string, resume: string | undefined): Promise<{ argv: string[]; env: Record<string, string> }> },
  ) {
    this.tickets = new TicketStore(clock);
    this.unsubscribe = events.on((e) => {
      for (const s of this.sessions.values()) {
        if (s.space !== e.space) continue;
        s.setSpaceState(e.state);
        if (e.state === "destroyed") this.finish(s, undefined, "destroyed");
      }
    });
  }

  list(space: string): TerminalSessionInfo[] {
    return [...this.sessions.values()].filter((s) => s.space === space).map((s) => s.info());
  }

  get(space: string, id: string): TerminalSession | undefined {
    const s = this.sessions.get(id);
    return s && s.space === space ? s : undefined;
  }

  /** Live sessions and attached sockets, for /metrics. */
  counts(): { sessions: number; viewers: number } {
    let viewers = 0;
    for (const s of this.sessions.values()) viewers += s.viewers.size;
    return { sessions: this.sessions.size, viewers };
  }

  /** Why a new socket for this space (and session) would go over a limit, or null when it fits. */
  refusal(space: string, sessionId?: string): string | null {
    const l = this.opts.limits ?? DEFAULT_TERMINAL_LIMITS;
    if (sessionId) {
      const s = this.get(space, sessionId);
      return s && s.viewers.size >= l.viewersPerSession ? `session ${sessionId} already has ${l.viewersPerSession} sockets attached` : null;
    }
    if (this.sessions.size >= l.sessions) return `the server already runs ${l.sessions} terminal sessions`;
    const here = [...this.sessions.values()].filter((s) => s.space === space).length;
    return here >= l.sessionsPerSpace ? `space ${space} already has ${l.sessionsPerSpace} terminal sessions (attach to one with session=ID)` : null;
  }

  /** Serves an upgraded socket: attaches it to the session it names, or starts a shell for it. */
  async open(ws: WebSocket, space: string, q: TerminalQuery, who: Required<Actor>, wake?: WakeTier): Promise<void> {
    // Keystrokes sent right after the handshake arrive while the shell is still starting: keep them.
    const early: Array<[RawData, boolean]> = [];
    let earlyBytes = 0;
    const hold = (data: RawData, isBinary: boolean) => {
      earlyBytes += Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
      if (earlyBytes > EARLY_INPUT_MAX) ws.close(1009, "too much input before the shell started");
      else early.push([data, isBinary]);
    };
    ws.on("message", hold);
    let session = q.session ? this.get(space, q.session) : undefined;
    let created = false;
    if (!session) {
      if (q.session) {
        ws.close(4404, "terminal session ended");
        return;
      }
      try {
        session = await this.start(space, { cols: q.cols ?? DEFAULT_SIZE.cols, rows: q.rows ?? DEFAULT_SIZE.rows }, who, q);
      } catch (err) {
        this.log.warn({ err, space }, "could not start a terminal");
        // Ours to explain (no Claude Code in this image); the engine's failures stay generic.
        const said = err instanceof DomainError ? { error: err.message, code: err.code } : { error: "could not start a shell in the space", code: "RUNTIME_ERROR" };
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: "error", ...said }));
        ws.close(1011, "could not start a shell");
        return;
      }
      created = true;
    }
    this.clearIdle(session);
    const viewer = session.attach({ ws, mode: q.mode, actor: who.actor, requestId: who.requestId }, q.since, { created, ...(wake ? { wake } : {}) });
    this.audit.append({ ...who, space, type: "terminal.open", meta: { session: session.id, kind: session.kind, mode: q.mode, created } });
    this.log.info({ space, session: session.id, mode: q.mode, created }, "terminal attached");
    const s = session;
    ws.off("message", hold);
    ws.on("message", (data, isBinary) => this.onMessage(s, viewer, data, isBinary));
    ws.on("close", () => s.detach(viewer, "socket closed"));
    ws.on("error", () => s.detach(viewer, "socket error"));
    for (const [data, isBinary] of early) this.onMessage(s, viewer, data, isBinary);
    if (ws.readyState !== ws.OPEN) s.detach(viewer, "socket closed");
  }

  private async start(space: string, size: { cols: number; rows: number }, who: Required<Actor>, q: Pick<TerminalQuery, "kind" | "resume">): Promise<TerminalSession> {
    const session: TerminalSession = new TerminalSession(
      space,
      { bufferBytes: this.opts.bufferBytes, socketHighWaterBytes: this.opts.socketHighWaterBytes, clock: () => this.activity.now() },
      {
        onInput: (s, v) => this.onInput(s, v),
        onOutput: (s) => this.onOutput(s),
        onDetach: (s, v, reason) => this.onDetach(s, v, reason),
      },
      size,
    );
    session.kind = q.kind;
    const base = { TERM: "xterm-256color", LANG: "C.UTF-8", [EXEC_ID_ENV]: session.execId };
    // It may have fallen asleep between the upgrade's check and now.
    const { value: proc } = await this.lifecycle.withWake(space, "terminal", who, async () => {
      const cmd = q.kind === "claude" ? await this.claudeCommand(space, q.resume) : { argv: ["bash", "-l"], env: {} };
      const spec = { argv: cmd.argv, cwd: WORKSPACE, env: { ...cmd.env, ...base }, cols: session.size.cols, rows: session.size.rows };
      return this.exec.openTty(space, spec, (chunk) => session.pushOutput(chunk));
    });
    session.attachProcess(proc);
    this.sessions.set(session.id, session);
    this.activity.record(space, "terminal");
    void proc.done.then((o) => this.finish(session, o.exitCode, "exited"));
    return session;
  }

  /** Throws when a new session of this kind cannot start in the space (the space runs). */
  async checkKind(space: string, kind: TerminalQuery["kind"]): Promise<void> {
    if (kind !== "claude") return;
    if (!this.claude) throw new InvalidInputError("this server runs no Claude sessions", [{ path: "kind", message: "only shell is available" }]);
    await this.claude.check(space);
  }

  private claudeCommand(space: string, resume: string | undefined) {
    if (!this.claude) throw new InvalidInputError("this server runs no Claude sessions", [{ path: "kind", message: "only shell is available" }]);
    return this.claude.command(space, resume);
  }

  private onMessage(s: TerminalSession, v: Viewer, data: RawData, isBinary: boolean): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) return this.typed(s, v, buf);
    let parsed: unknown;
    try {
      parsed = JSON.parse(buf.toString("utf8"));
    } catch {
      parsed = undefined;
    }
    const msg = TerminalClientMessageSchema.safeParse(parsed);
    if (!msg.success) {
      s.send(v, { type: "error", error: "text frames must be JSON: input, resize or ping", code: "VALIDATION_FAILED" });
      return;
    }
    switch (msg.data.type) {
      case "input":
        return this.typed(s, v, Buffer.from(msg.data.data, "utf8"));
      case "resize":
        if (v.mode === "view") return s.send(v, { type: "error", error: "this socket is view-only", code: "FORBIDDEN" });
        void s.resize(v, msg.data.cols, msg.data.rows).catch((err) => this.log.debug({ err, space: s.space }, "resize failed"));
        return;
      case "ping":
        return s.send(v, { type: "pong" });
    }
  }

  private typed(s: TerminalSession, v: Viewer, buf: Buffer): void {
    if (!s.input(v, buf)) s.send(v, { type: "error", error: "this socket is view-only", code: "FORBIDDEN" });
  }

  private onInput(s: TerminalSession, v: Viewer): void {
    this.activity.record(s.space, "terminal");
    this.history.markDirty(s.space);
    if (s.spaceState !== "running") {
      // Typing into a sleeping space wakes it; the keystrokes wait in the stream until it runs.
      this.lifecycle.wake(s.space, "terminal", { actor: v.actor, requestId: v.requestId }).catch((err) =>
        this.log.warn({ err, space: s.space }, "could not wake the space for terminal input"),
      );
    }
  }

  private onOutput(s: TerminalSession): void {
    // Output keeps a space awake only shortly after someone typed: a `tail -f` left open must not.
    const now = this.activity.now();
    if (s.lastInputAt === null || now - s.lastInputAt > this.opts.outputActivityMs) return;
    // A command's output ends with the next prompt, which bash prints after its `history -a`: a read
    // then finds the line. Marked at input alone, a read could come before bash wrote it, and none after.
    this.history.markDirty(s.space);
    if (now - (this.outputMarks.get(s) ?? 0) < OUTPUT_MARK_EVERY_MS) return;
    this.outputMarks.set(s, now);
    this.activity.record(s.space, "terminal");
  }

  private onDetach(s: TerminalSession, v: Viewer, reason: string): void {
    try {
      this.audit.append({ actor: v.actor, requestId: v.requestId, space: s.space, type: "terminal.close", meta: { session: s.id, mode: v.mode, reason } });
    } catch (err) {
      // A socket's close is no request to fail: the session goes on being cleaned up; the log says what was lost.
      this.log.error({ err, space: s.space }, "could not record terminal.close in the audit log");
    }
    if (s.viewers.size === 0 && !s.ended) {
      const t = setTimeout(() => this.finish(s, undefined, "no viewer"), this.opts.idleMs);
      t.unref();
      this.idleTimers.set(s, t);
    }
  }

  private clearIdle(s: TerminalSession): void {
    const t = this.idleTimers.get(s);
    if (t) clearTimeout(t);
    this.idleTimers.delete(s);
  }

  /** Ends a session; unless its shell exited by itself, what it left running in the space is ended too. */
  private finish(s: TerminalSession, exitCode: number | undefined, reason: string): Promise<void> {
    if (s.ended) return Promise.resolve();
    this.clearIdle(s);
    this.outputMarks.delete(s);
    this.sessions.delete(s.id);
    s.end(exitCode, reason);
    this.log.info({ space: s.space, session: s.id, reason, exitCode }, "terminal session ended");
    // The shell's last `history -a` is in the file now.
    this.history.markDirty(s.space);
    if (reason === "exited" || reason === "destroyed") return Promise.resolve();
    return killExec(this.exec, s.space, s.execId).catch((err) =>
      this.log.debug({ err, space: s.space, session: s.id }, "could not end a terminal's processes"),
    );
  }

  /** Server shutdown: sockets are told, shells ended (best effort: a sleeping space keeps its shell until it wakes). */
  async close(): Promise<void> {
    this.unsubscribe();
    await Promise.all([...this.sessions.values()].map((s) => this.finish(s, undefined, "server shutting down")));
  }
}
