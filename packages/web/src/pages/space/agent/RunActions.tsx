import type { AgentRun } from "@clawdspace/shared";
import { isRunEnded } from "@clawdspace/shared/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { agentActions } from "../../../api/queries/agent";
import { ConfirmDialog } from "../../../components/ConfirmDialog";

/** Cancel while it runs (after asking); Resume once it ended and its session is known. */
export function RunActions({ run, sessionId, onResume }: { run: AgentRun; sessionId: string | null; onResume: (sessionId: string) => void }) {
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const cancel = useMutation({
    mutationFn: () => agentActions.cancel(run.space, run.id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ["tasks"] }),
  });
  const ended = isRunEnded(run);
  return (
    <div className="actions">
      {!ended && (
        <button type="button" className="danger" onClick={() => setAsking(true)} disabled={cancel.isPending}>
          {cancel.isPending ? "Cancelling…" : "Cancel"}
        </button>
      )}
      {ended && sessionId && (
        <button type="button" onClick={() => onResume(sessionId)} title="Start a new run that goes on with this conversation, with the prompt in the box">
          Resume
        </button>
      )}
      {cancel.error && (
        <span className="field-error" role="alert">
          {cancel.error.message}
        </span>
      )}
      {asking && (
        <ConfirmDialog title="Cancel this run?" confirm="Cancel the run" keep="Keep it running" danger onConfirm={() => cancel.mutate()} onClose={() => setAsking(false)}>
          <p>Claude Code is stopped where it is; what it changed in the space so far stays. The transcript so far stays readable, and Resume can go on with the conversation.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
