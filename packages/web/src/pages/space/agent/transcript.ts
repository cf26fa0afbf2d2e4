import type { AgentEvent } from "@clawdspace/shared";

type Ev<T extends AgentEvent["type"]> = Extract<AgentEvent, { type: T }>;

/** What the transcript shows: events in order, except that a tool's result sits in its call's entry. */
export type TranscriptItem =
  | { kind: "init"; key: number; event: Ev<"init"> }
  | { kind: "text"; key: number; text: string }
  | { kind: "thinking"; key: number; text: string }
  | { kind: "tool"; key: number; call: Ev<"tool_call">; result: Ev<"tool_result"> | null }
  /** A result whose call is not in the transcript (it should not happen; it is shown, not lost). */
  | { kind: "orphan-result"; key: number; result: Ev<"tool_result"> }
  | { kind: "result"; key: number; event: Ev<"result"> }
  | { kind: "output"; key: number; text: string }
  | { kind: "error"; key: number; message: string };

export interface Transcript {
  items: TranscriptItem[];
  /** Where the run's output stands after the last event taken: the offset to ask from next. */
  offset: number;
  /** How many events at exactly `offset` were taken: one output line can make several events. */
  atOffset: number;
  /** Tool call id → index in items, to put its result under it. */
  tools: Record<string, number>;
  sessionId: string | null;
}

export const emptyTranscript = (): Transcript => ({ items: [], offset: 0, atOffset: 0, tools: {}, sessionId: null });

/**
 * Positions of one response's events: the n-th event at a given offset in this response. A
 * reconnect asks from `offset`, and a server that answers from a little earlier sends events
 * already shown; (offset, n) tells them from new ones even when one line made several events.
 */
export function streamCursor() {
  let last = -1;
  let n = 0;
  return (e: AgentEvent): number => {
    if (e.offset === last) n++;
    else {
      last = e.offset;
      n = 0;
    }
    return n;
  };
}

function fold(t: Transcript, e: AgentEvent): Transcript {
  const key = t.items.length;
  const items = t.items.slice();
  let tools = t.tools;
  let sessionId = t.sessionId;
  switch (e.type) {
    case "init":
      sessionId = e.sessionId ?? sessionId;
      items.push({ kind: "init", key, event: e });
      break;
    case "text":
    case "thinking":
      items.push({ kind: e.type, key, text: e.text });
      break;
    case "tool_call":
      tools = { ...tools, [e.id]: key };
      items.push({ kind: "tool", key, call: e, result: null });
      break;
    case "tool_result": {
      const at = tools[e.toolUseId];
      const call = at === undefined ? undefined : items[at];
      if (call?.kind === "tool") items[at!] = { ...call, result: e };
      else items.push({ kind: "orphan-result", key, result: e });
      break;
    }
    case "result":
      sessionId = e.sessionId ?? sessionId;
      items.push({ kind: "result", key, event: e });
      break;
    case "output":
      items.push({ kind: "output", key, text: e.text });
      break;
    case "error":
      items.push({ kind: "error", key, message: e.message });
      break;
  }
  return { ...t, items, tools, sessionId };
}

/** Takes one event unless it was already taken (its offset and place at that offset say so). */
export function applyEvent(t: Transcript, e: AgentEvent, nthAtOffset: number): Transcript {
  if (e.offset < t.offset || (e.offset === t.offset && nthAtOffset < t.atOffset)) return t;
  const next = fold(t, e);
  return e.offset > t.offset ? { ...next, offset: e.offset, atOffset: 1 } : { ...next, atOffset: t.atOffset + 1 };
}

/** A whole answer's events (GET …/runs/:id or one followed stream) in order. */
export function applyEvents(t: Transcript, events: readonly AgentEvent[]): Transcript {
  const pos = streamCursor();
  return events.reduce((acc, e) => applyEvent(acc, e, pos(e)), t);
}

/** The end line's nextOffset: nothing after it is missing, even when the last lines made no events. */
export function advanceTo(t: Transcript, nextOffset: number): Transcript {
  return nextOffset > t.offset ? { ...t, offset: nextOffset, atOffset: 0 } : t;
}

/** The final answer's text, when the last assistant text does not already say it. */
export function resultTextToShow(items: readonly TranscriptItem[], e: Ev<"result">): string | null {
  if (!e.result?.trim()) return null;
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    if (it.kind === "text") return it.text.trim() === e.result.trim() ? null : e.result;
  }
  return e.result;
}
