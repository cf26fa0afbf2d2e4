import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { client } from "./client";

export type StreamState = "live" | "connecting";

/**
 * Reads GET /api/events through the client's fetch (EventSource cannot send the bearer header, and
 * the key must not go into a URL) and invalidates the spaces list on each change. Reconnects with backoff.
 */
export function useSpaceEvents(): StreamState {
  const qc = useQueryClient();
  const [state, setState] = useState<StreamState>("connecting");
  useEffect(() => {
    const ac = new AbortController();
    let delay = 1000;
    let connectedBefore = false;
    const run = async () => {
      while (!ac.signal.aborted) {
        try {
          const events = await client.events(ac.signal);
          setState("live");
          delay = 1000;
          // Whatever happened while disconnected: re-read once. Not on the first connect, where the
          // list's own first fetch is in flight (invalidating would cancel and restart it).
          if (connectedBefore) void qc.invalidateQueries({ queryKey: ["spaces"] });
          connectedBefore = true;
          for await (const e of events) {
            void qc.invalidateQueries({ queryKey: ["spaces"] });
            void qc.invalidateQueries({ queryKey: ["audit"] });
            void qc.invalidateQueries({ queryKey: ["terminals", e.space] });
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
    return () => ac.abort();
  }, [qc]);
  return state;
}
