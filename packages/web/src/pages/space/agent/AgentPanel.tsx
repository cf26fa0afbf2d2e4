import type { AgentRun, AgentRunRequest } from "@clawdspace/shared";
import { isRunEnded } from "@clawdspace/shared/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { agentActions, agentRunsQuery } from "../../../api/queries/agent";
import { Empty, ErrorBox, Loading } from "../../../components/States";
import { newestFirst } from "../../../components/taskFormat";
import { useNow } from "../../../components/useNow";
import { PromptForm } from "./PromptForm";
import { emptyDraft, toRequest, type PromptDraft } from "./promptDraft";
import { RunDetail } from "./RunDetail";
import { RunList } from "./RunList";

/** The selected run lives in the URL (?run=), so a link (or a phone's reload) opens it again. */
function useSelectedRun(): [string | null, (id: string | null) => void] {
  const [id, setId] = useState<string | null>(() => new URL(location.href).searchParams.get("run"));
  const choose = (next: string | null) => {
    setId(next);
    const u = new URL(location.href);
    if (next) u.searchParams.set("run", next);
    else u.searchParams.delete("run");
    history.replaceState(null, "", u);
  };
  return [id, choose];
}

export default function AgentPanel({ space }: { space: string }) {
  const qc = useQueryClient();
  const q = useQuery(agentRunsQuery(space));
  const [selected, select] = useSelectedRun();
  const [draft, setDraft] = useState<PromptDraft>(emptyDraft);
  const promptBox = useRef<HTMLTextAreaElement>(null);
  const start = useMutation({
    mutationFn: (req: AgentRunRequest) => agentActions.run(space, req),
    onSuccess: (run) => {
      // In the list at once, so selecting it never shows "not in this space" while the re-list runs.
      qc.setQueryData<AgentRun[]>(agentRunsQuery(space).queryKey, (old) => [run, ...(old ?? []).filter((x) => x.id !== run.id)]);
      void qc.invalidateQueries({ queryKey: ["tasks"] });
      // The options stay: the next prompt usually wants the same model.
      setDraft((d) => ({ ...d, prompt: "", resumeSession: null }));
      select(run.id);
    },
  });
  // Resume sends the box's prompt; with none yet, it picks the session and asks for the prompt.
  const resume = (sessionId: string) => {
    if (draft.prompt.trim()) return start.mutate(toRequest(draft, sessionId));
    setDraft({ ...draft, resumeSession: sessionId, continueLast: false });
    promptBox.current?.scrollIntoView({ block: "center" });
    promptBox.current?.focus();
  };
  const runs = newestFirst(q.data ?? []);
  const now = useNow(runs.some((r) => !isRunEnded(r)));
  const current = runs.find((r) => r.id === selected);
  return (
    <div className="tasks-layout agent-layout">
      <div className="tasks-side">
        <PromptForm draft={draft} onChange={setDraft} onSubmit={() => start.mutate(toRequest(draft))} pending={start.isPending} error={start.error} inputRef={promptBox} />
        {q.isPending ? (
          <Loading what="runs" />
        ) : q.isError ? (
          <ErrorBox error={q.error} retry={() => void q.refetch()} />
        ) : runs.length === 0 ? (
          <Empty>No Claude runs yet. A run works on its prompt in the background and keeps its transcript.</Empty>
        ) : (
          <RunList space={space} runs={runs} selected={selected} onSelect={select} now={now} />
        )}
      </div>
      <div className="tasks-main">
        {current ? (
          <RunDetail key={current.id} run={current} now={now} onResume={resume} />
        ) : selected && q.isSuccess && !q.isFetching ? (
          <Empty>Run {selected} is not in this space any more.</Empty>
        ) : runs.length > 0 ? (
          <div className="empty tasks-placeholder">Select a run to see its transcript.</div>
        ) : null}
      </div>
    </div>
  );
}
