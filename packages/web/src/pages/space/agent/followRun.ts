import type { AgentRun, AgentTranscriptStreamLine } from "@clawdspace/shared";
import type { ClawdspaceClient } from "@clawdspace/shared/client";
import { followLoop, type FollowStatus } from "../../../api/followLoop";
import { advanceTo, applyEvent, emptyTranscript, streamCursor, type Transcript } from "./transcript";

export type { FollowStatus };

export interface RunView {
  transcript: Transcript;
  status: FollowStatus;
  error: string | null;
  /** The run as the end line had it; null while it runs. */
  ended: AgentRun | null;
}

export const emptyRunView = (): RunView => ({ transcript: emptyTranscript(), status: "following", error: null, ended: null });

export interface FollowRunOptions {
  signal: AbortSignal;
  onView: (v: RunView) => void;
  onEnd?: (run: AgentRun) => void;
  retryMs?: number;
  maxRetryMs?: number;
  /** A busy agent writes many events a second: React hears of them at most this often. */
  flushMs?: number;
}

/**
 * Follows a run's transcript from the start until its end line; a stream that drops before it
 * is opened again from the last offset taken, with backoff, and nothing already taken comes twice.
 * An ended run answers with its whole transcript and the end line at once.
 */
export function followRun(client: ClawdspaceClient, space: string, id: string, o: FollowRunOptions): Promise<void> {
  return followLoop<Transcript, AgentTranscriptStreamLine, AgentRun>({
    ...o,
    initial: emptyTranscript(),
    connect: (t, signal) => {
      const pos = streamCursor();
      return {
        lines: client.agent.follow(space, id, { offset: t.offset, signal }),
        take: (state, line) => ("end" in line ? { state: advanceTo(state, line.nextOffset), end: line.run } : { state: applyEvent(state, line.event, pos(line.event)) }),
      };
    },
    onView: (v) => o.onView({ transcript: v.state, status: v.status, error: v.error, ended: v.end }),
  });
}
