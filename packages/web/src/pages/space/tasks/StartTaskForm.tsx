import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Task, TaskRequest } from "@clawdspace/shared";
import { ClawdspaceApiError } from "@clawdspace/shared/client";
import { taskActions } from "../../../api/queries/tasks";
import { fieldErrors } from "../../../components/fieldErrors";

const FIELDS = ["command", "name", "cwd", "keepAwake"] as const;

/** An image without the supervisor says so in words a person can act on. */
function generalText(err: unknown, general: string | null): string | null {
  if (err instanceof ClawdspaceApiError && err.code === "TASKS_UNSUPPORTED") return `${err.message} Rebuild the space image (npm run image) or use one with the clawdspace agent.`;
  return general;
}

export function StartTaskForm({ space, onStarted }: { space: string; onStarted: (t: Task) => void }) {
  const qc = useQueryClient();
  const [v, setV] = useState({ command: "", name: "", keepAwake: true });
  const start = useMutation({
    mutationFn: (req: TaskRequest) => taskActions.start(space, req),
    onSuccess: (t) => {
      // In the list at once, so selecting it never shows "not in this space" while the re-list runs.
      qc.setQueryData<Task[]>(["tasks", "space", space], (old) => [t, ...(old ?? []).filter((x) => x.id !== t.id)]);
      void qc.invalidateQueries({ queryKey: ["tasks"] });
      setV((old) => ({ ...old, command: "", name: "" }));
      onStarted(t);
    },
  });
  const errs = fieldErrors(start.error, FIELDS);
  const general = generalText(start.error, errs.general);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const req: TaskRequest = { command: v.command, keepAwake: v.keepAwake };
    if (v.name.trim()) req.name = v.name.trim();
    start.mutate(req);
  };
  const err = (f: (typeof FIELDS)[number]) =>
    errs.byField[f] ? (
      <span className="field-error" id={`task-${f}-err`} role="alert">
        {errs.byField[f]}
      </span>
    ) : null;
  return (
    <form className="card task-form" onSubmit={submit} aria-label="Start a task">
      <h2>Start a task</h2>
      {general && (
        <p className="error" role="alert">
          {general}
        </p>
      )}
      <div className="field">
        <label htmlFor="task-command">Command</label>
        <input
          id="task-command"
          className="mono"
          value={v.command}
          placeholder="npm test"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setV({ ...v, command: e.target.value })}
          aria-invalid={!!errs.byField.command}
          aria-describedby={errs.byField.command ? "task-command-err" : "task-command-hint"}
        />
        {err("command") ?? (
          <span className="muted small" id="task-command-hint">
            runs under bash -lc in /workspace; it keeps running when you leave the page
          </span>
        )}
        {err("cwd")}
      </div>
      <div className="field">
        <label htmlFor="task-name">Name (optional)</label>
        <input id="task-name" value={v.name} placeholder="tests" onChange={(e) => setV({ ...v, name: e.target.value })} aria-invalid={!!errs.byField.name} aria-describedby={errs.byField.name ? "task-name-err" : undefined} />
        {err("name")}
      </div>
      <label className="check">
        <input type="checkbox" checked={v.keepAwake} onChange={(e) => setV({ ...v, keepAwake: e.target.checked })} /> Keep the space awake while it runs
      </label>
      {err("keepAwake")}
      <div className="row">
        <button type="submit" className="primary" disabled={start.isPending}>
          {start.isPending ? "Starting…" : "Start task"}
        </button>
      </div>
    </form>
  );
}
