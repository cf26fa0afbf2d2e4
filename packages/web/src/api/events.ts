import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { authHeaders } from "./client";

export type StreamState = "live" | "connecting";

/**
 * Reads GET /api/events through fetch (EventSource cannot send the bearer header, and the key
 * must not go into a URL) and invalidates the spaces list on each change. Reconnects with backoff.
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
          const res = await fetch("/api/events", { headers: authHeaders(), signal: ac.signal });
          if (!res.ok || !res.body) throw new Error(String(res.status));
          setState("live");
          delay = 1000;
          // Whatever happened while disconnected: re-read once. Not on the first connect, where the
          // list's own first fetch is in flight (invalidating would cancel and restart it).
          if (connectedBefore) void qc.invalidateQueries({ queryKey: ["spaces"] });
          connectedBefore = true;
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buf = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += value;
            let i: number;
            while ((i = buf.indexOf("\n\n")) >= 0) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              const data = block.split("\n").find((l) => l.startsWith("data: "));
              if (!data) continue;
              try {
                const e = JSON.parse(data.slice(6)) as { space: string };
                void qc.invalidateQueries({ queryKey: ["spaces"] });
                void qc.invalidateQueries({ queryKey: ["audit"] });
                void qc.invalidateQueries({ queryKey: ["terminals", e.space] });
              } catch {
                // a malformed line changes nothing; the slow re-list still runs
              }
            }
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
