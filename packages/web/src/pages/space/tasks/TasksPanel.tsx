import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { spaceTasksQuery } from "../../../api/queries/tasks";
import { relative } from "../../../components/format";
import { Empty, ErrorBox, Loading } from "../../../components/States";
import { exitText, formatDuration, liveDurationMs, newestFirst, taskTitle } from "../../../components/taskFormat";
import { TaskStateBadge } from "../../../components/TaskStateBadge";
import { useNow } from "../../../components/useNow";
import { StartTaskForm } from "./StartTaskForm";
import { TaskDetail } from "./TaskDetail";

/** The selected task lives in the URL (?task=), so the Tasks page can link straight to it. */
function useSelectedTask(): [string | null, (id: string | null) => void] {
  const [id, setId] = useState<string | null>(() => new URL(location.href).searchParams.get("task"));
  const choose = (next: string | null) => {
    setId(next);
    const u = new URL(location.href);
    if (next) u.searchParams.set("task", next);
    else u.searchParams.delete("task");
    history.replaceState(null, "", u);
  };
  return [id, choose];
}

export default function TasksPanel({ space }: { space: string }) {
  const q = useQuery(spaceTasksQuery(space));
  const [selected, select] = useSelectedTask();
  const tasks = newestFirst(q.data ?? []);
  const now = useNow(tasks.some((t) => t.state === "running"));
  const current = tasks.find((t) => t.id === selected);
  return (
    <div className="tasks-layout">
      <div className="tasks-side">
        <StartTaskForm space={space} onStarted={(t) => select(t.id)} />
        {q.isPending ? (
          <Loading what="tasks" />
        ) : q.isError ? (
          <ErrorBox error={q.error} retry={() => void q.refetch()} />
        ) : tasks.length === 0 ? (
          <Empty>No tasks yet. A task runs a command in the background and keeps its output.</Empty>
        ) : (
          <ul className="task-list" aria-label={`Tasks of ${space}`}>
            {tasks.map((t) => (
              <li key={t.id} data-task={t.id} data-state={t.state}>
                <button type="button" className="task-row" aria-current={t.id === selected ? "true" : undefined} onClick={() => select(t.id)}>
                  <span className="task-row-top">
                    <TaskStateBadge state={t.state} />
                    <span className="task-title">{taskTitle(t)}</span>
                  </span>
                  <span className="task-row-facts muted small">
                    <span>{t.startedAt ? `started ${relative(t.startedAt, now)}` : "starting"}</span>
                    <span aria-label="duration">{formatDuration(liveDurationMs(t, now, q.dataUpdatedAt))}</span>
                    <span>exit {exitText(t)}</span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="tasks-main">
        {current ? (
          <TaskDetail key={current.id} task={current} now={now} fetchedAt={q.dataUpdatedAt} onDeleted={() => select(null)} />
        ) : selected && q.isSuccess && !q.isFetching ? (
          <Empty>Task {selected} is not in this space any more (deleted?).</Empty>
        ) : tasks.length > 0 ? (
          <div className="empty tasks-placeholder">Select a task to see its output.</div>
        ) : null}
      </div>
    </div>
  );
}
