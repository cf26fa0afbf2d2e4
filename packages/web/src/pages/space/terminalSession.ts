import type { TerminalKind } from "@clawdspace/shared";
import type { TerminalUrlQuery } from "@clawdspace/shared/client";

/** Where a tab keeps its terminal session: reloading the page re-attaches instead of starting a shell. */
export interface SavedSession {
  id: string;
  /** Output bytes already shown; -1 when attaching to a session this tab never saw (replay all kept). */
  offset: number;
}

const key = (space: string) => `clawdspace.term.${space}`;

export const sessionStore = {
  get(space: string): SavedSession | null {
    try {
      const v = JSON.parse(sessionStorage.getItem(key(space)) ?? "null") as SavedSession | null;
      return v && typeof v.id === "string" && Number.isFinite(v.offset) ? v : null;
    } catch {
      return null;
    }
  },
  set: (space: string, s: SavedSession) => sessionStorage.setItem(key(space), JSON.stringify(s)),
  clear: (space: string) => sessionStorage.removeItem(key(space)),
};

/** 1 s, 2 s, 4 s … capped at 15 s, with jitter so many tabs do not reconnect in step. */
export function backoff(attempt: number): number {
  return Math.min(15_000, 1000 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
}

/** Which session a socket asks for: none (a new one of `kind`), or one to attach to or watch. */
export interface Target {
  session?: SavedSession;
  view: boolean;
  /** What a new session runs: a login shell (the default) or Claude Code. */
  kind?: TerminalKind;
  /** With kind "claude": the conversation to go on with. */
  resume?: string;
}

/** A tab's first target: the session it had before a reload, if any, replayed in full. */
export function initialTarget(space: string): Target {
  const saved = sessionStore.get(space);
  return { session: saved ? { id: saved.id, offset: -1 } : undefined, view: false };
}

/** The terminal socket's query for a ticket, resuming the target's session from its offset when known. */
export function socketQuery(ticket: string, target: Target, size: { cols: number; rows: number }): TerminalUrlQuery {
  const q: TerminalUrlQuery = { ticket, cols: size.cols, rows: size.rows };
  if (target.session) {
    q.session = target.session.id;
    if (target.session.offset >= 0) q.since = target.session.offset;
    if (target.view) q.mode = "view";
  } else if (target.kind === "claude") {
    // Only a new session says what it runs: an existing one is whatever it was made as.
    q.kind = "claude";
    if (target.resume) q.resume = target.resume;
  }
  return q;
}
