import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { client } from "../../../api/client";
import { followTaskLog, type LogView } from "./followLog";
import { emptyLog } from "./taskLog";

/** The live log of one task; a new task id starts over from offset 0. */
export function useTaskLog(space: string, id: string): LogView {
  const qc = useQueryClient();
  const [view, setView] = useState<LogView>(() => ({ log: emptyLog(), status: "following", error: null }));
  useEffect(() => {
    const ac = new AbortController();
    void followTaskLog(client, space, id, {
      signal: ac.signal,
      onView: setView,
      // The end line carries the task as it ended; the list should not wait for the event stream.
      onEnd: () => void qc.invalidateQueries({ queryKey: ["tasks"] }),
    });
    return () => ac.abort();
  }, [space, id, qc]);
  return view;
}
