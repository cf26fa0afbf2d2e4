import type { AgentRun } from "@clawdspace/shared";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { client } from "../../../api/client";
import { agentRunsQuery } from "../../../api/queries/agent";
import { emptyRunView, followRun, type RunView } from "./followRun";

/** The live transcript of one run; another run id starts over from the beginning. */
export function useRunTranscript(space: string, id: string): RunView {
  const qc = useQueryClient();
  const [view, setView] = useState<RunView>(emptyRunView);
  useEffect(() => {
    const ac = new AbortController();
    void followRun(client, space, id, {
      signal: ac.signal,
      onView: setView,
      // The end line has the run as it ended (cost, turns): the list shows it without waiting for an event.
      onEnd: (run) => {
        qc.setQueryData<AgentRun[]>(agentRunsQuery(space).queryKey, (old) => old?.map((r) => (r.id === run.id ? run : r)));
        void qc.invalidateQueries({ queryKey: ["tasks"] });
      },
    });
    return () => ac.abort();
  }, [space, id, qc]);
  return view;
}
