import { randomBytes, randomUUID } from "node:crypto";
import type { TerminalServerMessage, TerminalSessionInfo , TerminalKind } from "@clawdspace/shared";
import { TERMINAL_MAX_COLS, TERMINAL_MAX_ROWS } from "@clawdspace/shared";
import type { WebSocket } from "ws";
import type { TtyProcess } from "../engine/ports/exec.js";
import { RingBuffer } from "./ringBuffer.js";
import { Utf8Chunker } from "../core/utf8.js";
import type { SpaceEventState } from "../events/spaceEvents.js";

export type ViewMode = "interactive" | "view";

export interface SessionOptions {
  bufferBytes: number;
  /** Above this many bytes queued on a socket, stop sending to it; it catches up from its cursor. */
  socketHighWaterBytes: number;
  clock: () => number;
}

/** What the session needs from its owner: kept narrow so the session stays a plain object to test. */
export interface SessionHooks {
  onInput(session: TerminalSession, viewer: Viewer): void;
  onOutput(session: TerminalSession): void;
  onDetach(session: TerminalSession, viewer: Viewer, reason: string): void;
}

export interface Viewer {
  ws: WebSocket;
  mode: ViewMode;
  actor: string;
  requestId: string;
  /** Absolute offset of the next output byte this socket should get. */
  cursor: number;
  input: Utf8Chunker;
  retry: NodeJS.Timeout | null;
}

const SEND_SLICE = 64 * 1024;
const RETRY_MS = 20;

export const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.trunc(v)));
export const clampSize = (cols: number, rows: number) => ({ cols: clamp(cols, 1, TERMINAL_MAX_COLS), rows: clamp(rows, 1, TERMINAL_MAX_ROWS) });

/**
 * A terminal that outlives its sockets: one shell in the space, its recent output in
 * a ring buffer, and any number of sockets (viewers) each reading from its own cursor.
 */
export class TerminalSession {
  readonly id = randomBytes(9).toString("base64url");
  /** Every process of the shell carries this id in its environment, so they can be found and ended. */
  readonly execId = randomUUID();
  readonly created = new Date();
  /** What the session runs: a login shell, or Claude Code. */
  kind: TerminalKind = "shell";
  readonly viewers = new Set<Viewer>();
  private readonly ring: RingBuffer;
  private readonly output = new Utf8Chunker();
  private proc: TtyProcess | null = null;
  lastOutputAt: number | null = null;
  lastInputAt: number | null = null;
  spaceState: SpaceEventState = "running";
  ended = false;
  size: { cols: number; rows: number };

  constructor(
    readonly space: string,
    private readonly opts: SessionOptions,
    private readonly hooks: SessionHooks,
    size: { cols: number; rows: number },
  ) {
    this.ring = new RingBuffer(opts.bufferBytes);
    this.size = clampSize(size.cols, size.rows);
  }

  get offset(): number {
    return this.ring.end;
  }

  attachProcess(proc: TtyProcess): void {
    this.proc = proc;
  }

  /** Raw output from the shell: cut on character boundaries, kept, and sent to every viewer that keeps up. */
  pushOutput(chunk: Buffer): void {
    const whole = this.output.push(chunk);
    if (whole.length === 0) return;
    this.ring.append(whole);
    this.lastOutputAt = this.opts.clock();
    this.hooks.onOutput(this);
    for (const v of this.viewers) this.pump(v);
  }

  /** Adds a socket reading from `since` (default: everything still kept). */
  attach(viewer: Omit<Viewer, "cursor" | "input" | "retry">, since: number | undefined, extra: Partial<Extract<TerminalServerMessage, { type: "session" }>>): Viewer {
    const v: Viewer = { ...viewer, cursor: since ?? this.ring.start, input: new Utf8Chunker(), retry: null };
    if (v.cursor > this.ring.end) v.cursor = this.ring.end;
    this.viewers.add(v);
    this.send(v, { type: "session", id: this.id, offset: v.cursor, mode: v.mode, created: false, ...extra });
    if (this.spaceState !== "running") this.send(v, { type: "status", state: this.spaceState === "destroyed" ? "exited" : this.spaceState });
    this.pump(v);
    return v;
  }

  detach(v: Viewer, reason: string): void {
    if (!this.viewers.delete(v)) return;
    if (v.retry) clearTimeout(v.retry);
    this.hooks.onDetach(this, v, reason);
  }

  /** Keystrokes from one socket; a view-only socket is refused, and a character split across frames is re-joined. */
  input(v: Viewer, data: Buffer): boolean {
    if (v.mode === "view" || this.ended) return false;
    const whole = v.input.push(data);
    if (whole.length === 0) return true;
    this.lastInputAt = this.opts.clock();
    this.proc?.write(whole);
    this.hooks.onInput(this, v);
    return true;
  }

  async resize(v: Viewer, cols: number, rows: number): Promise<boolean> {
    if (v.mode === "view" || this.ended) return false;
    this.size = clampSize(cols, rows);
    await this.proc?.resize(this.size.cols, this.size.rows);
    return true;
  }

  /** The space changed state under the session: every viewer hears of it. */
  setSpaceState(state: SpaceEventState): void {
    this.spaceState = state;
    this.broadcast({ type: "status", state: state === "destroyed" ? "exited" : state });
  }

  broadcast(msg: TerminalServerMessage): void {
    for (const v of this.viewers) this.send(v, msg);
  }

  /** Ends the session for good: remaining output goes out, then every socket is closed. */
  end(exitCode: number | undefined, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    const rest = this.output.flush();
    if (rest.length) this.ring.append(rest);
    for (const v of [...this.viewers]) {
      this.pump(v, true);
      this.send(v, { type: "status", state: "exited", ...(exitCode !== undefined && exitCode >= 0 ? { exitCode } : {}) });
      v.ws.close(1000, reason.slice(0, 100));
      this.detach(v, reason);
    }
    this.proc?.close();
  }

  send(v: Viewer, msg: TerminalServerMessage): void {
    if (v.ws.readyState === v.ws.OPEN) v.ws.send(JSON.stringify(msg));
  }

  /**
   * Sends what the viewer has not seen yet, unless its socket is backed up: then it
   * waits and catches up from its cursor later (a "gap" status if that fell out of the buffer).
   */
  pump(v: Viewer, force = false): void {
    if (v.ws.readyState !== v.ws.OPEN) return;
    while (v.cursor < this.ring.end || v.cursor < this.ring.start) {
      if (!force && v.ws.bufferedAmount > this.opts.socketHighWaterBytes) {
        v.retry ??= setTimeout(() => {
          v.retry = null;
          if (this.viewers.has(v)) this.pump(v);
        }, RETRY_MS);
        return;
      }
      const { data, next, missed } = this.ring.read(v.cursor, SEND_SLICE);
      if (missed > 0) this.send(v, { type: "status", state: "gap", missed });
      if (data.length) v.ws.send(data, { binary: true });
      v.cursor = next;
    }
  }

  info(): TerminalSessionInfo {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      id: this.id,
      kind: this.kind,
      space: this.space,
      created: this.created.toISOString(),
      viewers: this.viewers.size,
      offset: this.offset,
      lastOutputAt: iso(this.lastOutputAt),
      lastInputAt: iso(this.lastInputAt),
    };
  }
}
