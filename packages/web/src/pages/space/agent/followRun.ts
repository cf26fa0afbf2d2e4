import type { AgentRun } from "@clawdspace/shared";
import type { ClawdspaceClient } from "@clawdspace/shared/client";
import { retriable, sleep } from "../../../api/retry";
import { advanceTo, applyEvent, emptyTranscript, streamCursor, type Transcript } from "./transcript";

export type FollowStatus = "following" | "reconnecting" | "ended" | "error";

export interface RunView {
  transcript: Transcript;
  status: FollowStatus;
  error: string | null;
  /** The run as the end line had it; null while it runs. */
  ended: AgentRun | null;
}

export const emptyRunView = (): RunView => ({ transcript: emptyTranscript(), status: "following", error: null, ended: null });

export interface FollowRunOptions {
  signal: AbortSignal;
  onView: (v: RunView) => void;
  onEnd?: (run: AgentRun) => void;
  retryMs?: number;
  maxRetryMs?: number;
  /** A busy agent writes many events a second: React hears of them at most this often. */
  flushMs?: number;
}

/**
 * Follows a run's transcript from the start until its end line; a stream that drops before it
 * is opened again from the last offset taken, with backoff, and nothing already taken comes twice.
 * An ended run answers with its whole transcript and the end line at once.
 */
export async function followRun(client: ClawdspaceClient, space: string, id: string, o: FollowRunOptions): Promise<void> {
  const { signal } = o;
  let view = emptyRunView();
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
      const pos = streamCursor();
      for await (const line of client.agent.follow(space, id, { offset: view.transcript.offset, signal })) {
        delay = first;
        if ("end" in line) {
          view = { ...view, transcript: advanceTo(view.transcript, line.nextOffset), status: "ended", ended: line.run };
          flush();
          o.onEnd?.(line.run);
          return;
        }
        view = { ...view, transcript: applyEvent(view.transcript, line.event, pos(line.event)), status: "following" };
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
