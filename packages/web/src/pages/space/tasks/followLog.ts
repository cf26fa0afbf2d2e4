import type { Task, TaskLogStreamLine } from "@clawdspace/shared";
import type { ClawdspaceClient } from "@clawdspace/shared/client";
import { followLoop, type FollowStatus } from "../../../api/followLoop";
import { applyLine, emptyLog, type LogState } from "./taskLog";

export type LogStatus = FollowStatus;

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
  flushMs?: number;
}

/** Follows a task's log from offset 0 until its end line, reconnecting from the last offset shown. */
export function followTaskLog(client: ClawdspaceClient, space: string, id: string, o: FollowOptions): Promise<void> {
  return followLoop<LogState, TaskLogStreamLine, Task>({
    ...o,
    initial: emptyLog(),
    connect: (log, signal) => ({
      lines: client.tasks.follow(space, id, { offset: log.offset, signal }),
      take: (state, line) => ({ state: applyLine(state, line), ...("end" in line ? { end: line.task } : {}) }),
    }),
    onView: (v) => o.onView({ log: v.state, status: v.status, error: v.error }),
  });
}
