import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { client } from "./client";

export type StreamState = "live" | "connecting";

/**
 * Reads GET /api/events through the client's fetch (EventSource cannot send the bearer header, and
 * the key must not go into a URL) and invalidates what each change touches. Reconnects with backoff.
 */
export function useSpaceEvents(): StreamState {
  const qc = useQueryClient();
  const [state, setState] = useState<StreamState>("connecting");
  useEffect(() => {
    const ac = new AbortController();
    let delay = 1000;
    let connectedBefore = false;
    // A burst of events (an agent's thousand execs) is one re-read, at most every 500 ms, not one per event.
    let auditTimer: ReturnType<typeof setTimeout> | undefined;
    const auditSoon = () => {
      auditTimer ??= setTimeout(() => {
        auditTimer = undefined;
        void qc.invalidateQueries({ queryKey: ["audit"] });
      }, 500);
    };
    const run = async () => {
      while (!ac.signal.aborted) {
        try {
          const changes = await client.changes(ac.signal);
          setState("live");
          delay = 1000;
          // Whatever happened while disconnected: re-read once. Not on the first connect, where the
          // lists' own first fetches are in flight (invalidating would cancel and restart them).
          if (connectedBefore) {
            void qc.invalidateQueries({ queryKey: ["spaces"] });
            void qc.invalidateQueries({ queryKey: ["tasks"] });
          }
          connectedBefore = true;
          for await (const c of changes) {
            // A new audit event (every change below writes one too): the audit views re-read.
            auditSoon();
            if (c.kind === "audit") continue;
            // A task's start or end changes its space too: a running task is a reason to stay awake.
            void qc.invalidateQueries({ queryKey: ["spaces"] });
            if (c.kind === "task") void qc.invalidateQueries({ queryKey: ["tasks"] });
            else void qc.invalidateQueries({ queryKey: ["terminals", c.event.space] });
          }
        } catch {
          if (ac.signal.aborted) return;
        }
        setState("connecting");
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 15_000);
      }
    };
    void run();
    return () => {
      ac.abort();
      clearTimeout(auditTimer);
    };
  }, [qc]);
  return state;
}
