import type { Task } from "@clawdspace/shared";
import type { ClawdspaceClient } from "@clawdspace/shared/client";
import { retriable, sleep } from "../../../api/retry";
import { applyLine, emptyLog, type LogState } from "./taskLog";

export type LogStatus = "following" | "reconnecting" | "ended" | "error";

export interface LogView {
  log: LogState;
  status: LogStatus;
  error: string | null;
}

export interface FollowOptions {
  signal: AbortSignal;
  onView: (v: LogView) => void;
  /** The end line's task: the task as it ended, so the list can catch up without waiting for an event. */
  onEnd?: (task: Task) => void;
  retryMs?: number;
  maxRetryMs?: number;
  /** How often a burst of lines reaches React; a busy task would otherwise render on every line. */
  flushMs?: number;
}

/**
 * Follows a task's log from offset 0 until its end line. A stream that drops before the end line
 * (network, proxy, server restart) is opened again from the last offset shown, with backoff.
 */
export async function followTaskLog(client: ClawdspaceClient, space: string, id: string, o: FollowOptions): Promise<void> {
  const { signal } = o;
  let view: LogView = { log: emptyLog(), status: "following", error: null };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!signal.aborted) o.onView(view);
  };
  const schedule = () => {
    timer ??= setTimeout(flush, o.flushMs ?? 50);
  };
  const first = o.retryMs ?? 1000;
  let delay = first;
  flush();
  while (!signal.aborted) {
    try {
      for await (const line of client.tasks.follow(space, id, { offset: view.log.offset, signal })) {
        delay = first;
        view = { ...view, log: applyLine(view.log, line), status: "following" };
        if ("end" in line) {
          view = { ...view, status: "ended" };
          flush();
          o.onEnd?.(line.task);
          return;
        }
        schedule();
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
