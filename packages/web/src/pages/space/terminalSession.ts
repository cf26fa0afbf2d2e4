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

/** The WebSocket URL for a ticket, resuming `saved` from its offset when given. */
export function terminalUrl(loc: { protocol: string; host: string }, path: string, ticket: string, opts: { session?: SavedSession; view?: boolean; cols: number; rows: number }): string {
  // The ticket answer's path already carries ?ticket=; add the rest to it.
  const u = new URL(path, "http://x");
  const q = u.searchParams;
  if (!q.has("ticket")) q.set("ticket", ticket);
  q.set("cols", String(opts.cols));
  q.set("rows", String(opts.rows));
  if (opts.session) {
    q.set("session", opts.session.id);
    if (opts.session.offset >= 0) q.set("since", String(opts.session.offset));
    if (opts.view) q.set("mode", "view");
  }
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}${u.pathname}?${q}`;
}
