import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Task } from "@clawdspace/shared";
import { taskActions } from "../../../api/queries/tasks";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { taskTitle } from "../../../components/taskFormat";

/** Cancel while it runs, delete once it ended; each asks first, saying what will happen. */
export function TaskActions({ task, onDeleted }: { task: Task; onDeleted: () => void }) {
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const title = taskTitle(task);
  const act = useMutation({
    mutationFn: (what: "cancel" | "delete"): Promise<unknown> => (what === "cancel" ? taskActions.cancel(task.space, task.id) : taskActions.remove(task.space, task.id)),
    onSuccess: (_r, what) => {
      void qc.invalidateQueries({ queryKey: ["tasks"] });
      if (what === "delete") onDeleted();
    },
  });
  const running = task.state === "running";
  const cancelling = act.isPending && act.variables === "cancel";
  return (
    <div className="actions">
      {running || cancelling ? (
        <button type="button" className="danger" onClick={() => setAsking(true)} disabled={act.isPending} aria-label={`Cancel task ${title}`}>
          {cancelling ? "Cancelling…" : "Cancel"}
        </button>
      ) : (
        <button type="button" className="danger" onClick={() => setAsking(true)} disabled={act.isPending} aria-label={`Delete task ${title}`}>
          Delete
        </button>
      )}
      {act.error && (
        <span className="field-error" role="alert">
          {act.error.message}
        </span>
      )}
      {asking &&
        (running ? (
          <ConfirmDialog title={`Cancel ${title}?`} confirm="Cancel the task" keep="Keep it running" danger onConfirm={() => act.mutate("cancel")} onClose={() => setAsking(false)}>
            <p>Its processes get SIGTERM, and SIGKILL a few seconds later if they are still there. The task ends as cancelled; the output so far stays readable until you delete it.</p>
          </ConfirmDialog>
        ) : (
          <ConfirmDialog title={`Delete ${title}?`} confirm="Delete task and log" keep="Keep it" danger onConfirm={() => act.mutate("delete")} onClose={() => setAsking(false)}>
            <p>The task's record and its whole log go, from the list and from the space. This cannot be undone.</p>
          </ConfirmDialog>
        ))}
    </div>
  );
}
