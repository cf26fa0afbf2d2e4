import { useEffect, useRef } from "react";
import type { Task } from "@clawdspace/shared";
import { relative } from "../../../components/format";
import { commandText, exitText, formatDuration, liveDurationMs, taskTitle } from "../../../components/taskFormat";
import { TaskStateBadge } from "../../../components/TaskStateBadge";
import { TaskActions } from "./TaskActions";
import { TaskLog } from "./TaskLog";

/** One task: what ran, how it stands, its actions and its live log. */
export function TaskDetail({ task, now, fetchedAt, onDeleted }: { task: Task; now: number; fetchedAt: number; onDeleted: () => void }) {
  const title = taskTitle(task);
  const ref = useRef<HTMLElement>(null);
  // On a phone the detail sits under the form and the list: a choice there would change nothing in sight.
  useEffect(() => {
    if (window.matchMedia?.("(max-width: 720px)").matches) ref.current?.scrollIntoView({ block: "start" });
  }, []);
  return (
    <section ref={ref} className="card task-detail" aria-labelledby="task-detail-title">
      <div className="task-detail-head">
        <h2 id="task-detail-title">
          <span className="task-title">{title}</span> <TaskStateBadge state={task.state} />
        </h2>
        <TaskActions task={task} onDeleted={onDeleted} />
      </div>
      <dl className="facts task-facts">
        <div>
          <dt>Command</dt>
          <dd>
            <code>{commandText(task.command)}</code>
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{task.startedAt ? <time dateTime={task.startedAt} title={new Date(task.startedAt).toLocaleString()}>{relative(task.startedAt, now)}</time> : "not yet"}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd data-testid="task-duration">{formatDuration(liveDurationMs(task, now, fetchedAt))}</dd>
        </div>
        <div>
          <dt>Exit</dt>
          <dd>{exitText(task)}</dd>
        </div>
        {task.reason && task.reason !== task.state && (
          <div>
            <dt>Why</dt>
            <dd>{task.reason}</dd>
          </div>
        )}
      </dl>
      <TaskLog key={task.id} space={task.space} id={task.id} title={title} />
    </section>
  );
}
