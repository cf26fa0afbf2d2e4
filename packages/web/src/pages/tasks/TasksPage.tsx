import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { TaskState } from "@clawdspace/shared";
import { allTasksQuery } from "../../api/queries/tasks";
import { relative } from "../../components/format";
import { Empty, ErrorBox, Loading } from "../../components/States";
import { exitText, formatDuration, liveDurationMs, newestFirst, TASK_STATE_LABELS, taskTitle } from "../../components/taskFormat";
import { TaskStateBadge } from "../../components/TaskStateBadge";
import { useNow } from "../../components/useNow";
import { Link } from "../../router";

const STATES = Object.keys(TASK_STATE_LABELS) as TaskState[];

export const taskHref = (space: string, id: string) => `/spaces/${encodeURIComponent(space)}?tab=tasks&task=${encodeURIComponent(id)}`;

/** Every space's tasks in one table; task events keep it current. */
export default function TasksPage() {
  const [state, setState] = useState<TaskState | "">(() => (STATES.find((s) => s === new URL(location.href).searchParams.get("state")) ?? ""));
  const q = useQuery(allTasksQuery(state || undefined));
  const tasks = newestFirst(q.data ?? []);
  const now = useNow(tasks.some((t) => t.state === "running"));
  const filter = (s: TaskState | "") => {
    setState(s);
    const u = new URL(location.href);
    if (s) u.searchParams.set("state", s);
    else u.searchParams.delete("state");
    history.replaceState(null, "", u);
  };
  return (
    <section>
      <div className="page-head">
        <h1>Tasks</h1>
        <div className="field task-filter">
          <label htmlFor="task-state-filter">State</label>
          <select id="task-state-filter" value={state} onChange={(e) => filter(e.target.value as TaskState | "")}>
            <option value="">any</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {TASK_STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {q.isPending ? (
        <Loading what="tasks" />
      ) : q.isError ? (
        <ErrorBox error={q.error} retry={() => void q.refetch()} />
      ) : tasks.length === 0 ? (
        <Empty>{state ? `No ${TASK_STATE_LABELS[state]} tasks.` : "No tasks yet. Start one from a space's Tasks tab."}</Empty>
      ) : (
        <table className="task-table">
          <caption className="sr-only">Tasks across spaces, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Space</th>
              <th scope="col">State</th>
              <th scope="col">Started</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col" className="num">
                Exit
              </th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((t) => (
              <tr key={t.id} data-task={t.id} data-state={t.state}>
                <td data-label="Task" className="task-cell">
                  <Link href={taskHref(t.space, t.id)} className="task-title">
                    {taskTitle(t)}
                  </Link>
                </td>
                <td data-label="Space" className="path">
                  <Link href={`/spaces/${encodeURIComponent(t.space)}?tab=tasks`}>{t.space}</Link>
                </td>
                <td data-label="State">
                  <TaskStateBadge state={t.state} />
                </td>
                <td data-label="Started">{t.startedAt ? <time dateTime={t.startedAt}>{relative(t.startedAt, now)}</time> : "–"}</td>
                <td data-label="Duration" className="num">
                  {formatDuration(liveDurationMs(t, now, q.dataUpdatedAt))}
                </td>
                <td data-label="Exit" className="num">
                  {exitText(t)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
