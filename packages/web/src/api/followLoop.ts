import { retriable, sleep } from "./retry";

export type FollowStatus = "following" | "reconnecting" | "ended" | "error";

export interface Followed<S, E> {
  state: S;
  status: FollowStatus;
  error: string | null;
  /** What the end line said; null until it came. */
  end: E | null;
}

export interface FollowLoopOptions<S, L, E> {
  signal: AbortSignal;
  initial: S;
  /** Opens the stream from where `state` stands; `take` folds each of its lines in (one per connection, so it may keep per-stream state). */
  connect(state: S, signal: AbortSignal): { lines: AsyncIterable<L>; take(state: S, line: L): { state: S; end?: E } };
  onView(v: Followed<S, E>): void;
  onEnd?(end: E): void;
  retryMs?: number;
  maxRetryMs?: number;
  /** A burst of lines reaches React at most this often; a busy stream would otherwise render on every line. */
  flushMs?: number;
}

/**
 * Follows an NDJSON stream until its end line. A stream that drops before it (network, proxy,
 * server restart) is opened again from the state reached, with backoff; a 4xx that asking again
 * cannot mend ends the follow with an error.
 */
export async function followLoop<S, L, E>(o: FollowLoopOptions<S, L, E>): Promise<void> {
  const { signal } = o;
  let view: Followed<S, E> = { state: o.initial, status: "following", error: null, end: null };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!signal.aborted) o.onView(view);
  };
  const first = o.retryMs ?? 1000;
  let delay = first;
  flush();
  while (!signal.aborted) {
    try {
      const stream = o.connect(view.state, signal);
      for await (const line of stream.lines) {
        delay = first;
        const next = stream.take(view.state, line);
        if (next.end !== undefined) {
          view = { ...view, state: next.state, status: "ended", end: next.end };
          flush();
          o.onEnd?.(next.end);
          return;
        }
        view = { ...view, state: next.state, status: "following" };
        timer ??= setTimeout(flush, o.flushMs ?? 50);
      }
    } catch (e) {
      if (signal.aborted) break;
      if (!retriable(e)) {
        view = { ...view, status: "error", error: e instanceof Error ? e.message : String(e) };
        flush();
        return;
      }
    }
    if (signal.aborted) break;
    view = { ...view, status: "reconnecting" };
    flush();
    await sleep(delay, signal);
    delay = Math.min(delay * 2, o.maxRetryMs ?? 15_000);
    view = { ...view, status: "following" };
    flush();
  }
  if (timer) clearTimeout(timer);
}
