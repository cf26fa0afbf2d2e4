import { setTimeout as sleep } from "node:timers/promises";
import type { AgentEvent, AgentRun } from "@clawdspace/shared";
import type { ClawdspaceClient } from "@clawdspace/shared/client";

export type FollowEnd = { ended: AgentRun; nextOffset: number } | { detached: true; offset: number };

export interface FollowOptions {
  /** Where to start: 0 for the whole transcript, a page's nextOffset to go on after it. */
  offset?: number;
  onEvent: (e: AgentEvent) => Promise<void> | void;
  /** Calls `stop` when the person wants to stop watching; answers the unsubscribe. Ctrl-C by default. */
  interrupt?: (stop: () => void) => () => void;
  /** Pause before reconnecting after a dropped stream. */
  retryDelayMs?: (attempt: number) => number;
  /** Dropped streams in a row before giving up. */
  maxRetries?: number;
}

const onSigint = (stop: () => void) => {
  process.once("SIGINT", stop);
  return () => void process.off("SIGINT", stop);
};

/**
 * Follows a run's transcript to its end. A dropped stream (a proxy, a server restart) goes on from
 * the last event's offset, so nothing is printed twice or lost; an interrupt stops only the watching,
 * never the run (cancelling is `agent cancel`'s job, so a stray Ctrl-C cannot lose work).
 */
export async function followRun(client: ClawdspaceClient, space: string, id: string, o: FollowOptions): Promise<FollowEnd> {
  const controller = new AbortController();
  const off = (o.interrupt ?? onSigint)(() => controller.abort());
  const delay = o.retryDelayMs ?? ((n: number) => Math.min(5000, 250 * 2 ** Math.min(n, 5)));
  let offset = o.offset ?? 0;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        for await (const line of client.agent.follow(space, id, { offset, signal: controller.signal })) {
          if ("end" in line) return { ended: line.run, nextOffset: line.nextOffset };
          offset = line.event.offset;
          attempt = 0;
          await o.onEvent(line.event);
        }
      } catch (e) {
        if (controller.signal.aborted) return { detached: true, offset };
        // A status is the server's answer (no such run, a bad key): asking again would not change it.
        if (attempt >= (o.maxRetries ?? 30) || (e as { status?: number }).status !== undefined) throw e;
      }
      await sleep(delay(attempt), undefined, { signal: controller.signal }).catch(() => undefined);
      if (controller.signal.aborted) return { detached: true, offset };
    }
  } finally {
    off();
  }
}
