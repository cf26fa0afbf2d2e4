import type { AgentEvent } from "@clawdspace/shared";
import { describe, expect, it } from "vitest";
import { advanceTo, applyEvents, emptyTranscript, resultTextToShow, type Transcript } from "../../src/pages/space/agent/transcript";

const init: AgentEvent = { type: "init", sessionId: "0f8fad5b-d9cb-469f-a165-70867728950e", model: "claude-sonnet", cwd: "/workspace", offset: 120 };
const say: AgentEvent = { type: "text", text: "Listing the files.", offset: 300 };
// One assistant line of output with two tool calls: both events end at the same offset.
const callA: AgentEvent = { type: "tool_call", id: "toolu_a", name: "Bash", input: { command: "ls" }, offset: 520 };
const callB: AgentEvent = { type: "tool_call", id: "toolu_b", name: "Read", input: { file_path: "/workspace/a.txt" }, offset: 520 };
const resB: AgentEvent = { type: "tool_result", toolUseId: "toolu_b", content: "hello", isError: false, truncated: false, offset: 700 };
const resA: AgentEvent = { type: "tool_result", toolUseId: "toolu_a", content: "a.txt\n", isError: false, truncated: true, offset: 800 };
const done: AgentEvent = { type: "text", text: "There is **one** file.", offset: 900 };
const result: AgentEvent = { type: "result", subtype: "success", isError: false, result: "There is **one** file.", numTurns: 2, durationMs: 3100, costUsd: 0.0123, sessionId: init.sessionId, offset: 1000 };
const ALL = [init, say, callA, callB, resB, resA, done, result];

const kinds = (t: Transcript) => t.items.map((i) => i.kind);

describe("transcript assembly", () => {
  it("puts each tool's result under its call, in the order the calls came", () => {
    const t = applyEvents(emptyTranscript(), ALL);
    expect(kinds(t)).toEqual(["init", "text", "tool", "tool", "text", "result"]);
    const [a, b] = t.items.filter((i) => i.kind === "tool");
    expect(a).toMatchObject({ call: { id: "toolu_a", name: "Bash" }, result: { content: "a.txt\n", truncated: true } });
    expect(b).toMatchObject({ call: { id: "toolu_b" }, result: { content: "hello" } });
    expect(t.offset).toBe(1000);
    expect(t.sessionId).toBe(init.sessionId);
  });

  it("takes nothing twice when a reconnect's answer starts before what was taken, even mid-line", () => {
    // The stream dropped after the first of the two calls of one line.
    const cut = applyEvents(emptyTranscript(), [init, say, callA]);
    expect(cut.offset).toBe(520);
    // The server answers again from the start of that line: callA again (dropped), callB (new), and on.
    const t = applyEvents(cut, [callA, callB, resB, resA, done, result]);
    expect(kinds(t)).toEqual(["init", "text", "tool", "tool", "text", "result"]);
    expect(t.items.filter((i) => i.kind === "tool").map((i) => (i.kind === "tool" ? i.call.id : ""))).toEqual(["toolu_a", "toolu_b"]);
    // And a whole replay from the beginning adds nothing.
    expect(applyEvents(t, ALL).items).toHaveLength(t.items.length);
  });

  it("goes on from the end line's offset, so a stream from there adds only the new events", () => {
    const t = advanceTo(applyEvents(emptyTranscript(), [init, say]), 400);
    expect(t.offset).toBe(400);
    const next = applyEvents(t, [{ type: "text", text: "later", offset: 450 }]);
    expect(kinds(next)).toEqual(["init", "text", "text"]);
    // An end line behind what was taken changes nothing.
    expect(advanceTo(next, 10).offset).toBe(450);
  });

  it("keeps a result whose call is missing, and the agent's errors and stray output", () => {
    const t = applyEvents(emptyTranscript(), [
      { type: "output", text: "claude: command not found", offset: 30 },
      { type: "tool_result", toolUseId: "toolu_gone", content: "x", isError: true, truncated: false, offset: 60 },
      { type: "error", message: "API key invalid", offset: 90 },
    ]);
    expect(t.items).toMatchObject([
      { kind: "output", text: "claude: command not found" },
      { kind: "orphan-result", result: { toolUseId: "toolu_gone", isError: true } },
      { kind: "error", message: "API key invalid" },
    ]);
  });

  it("shows the final answer's text only when the last assistant text does not already say it", () => {
    const t = applyEvents(emptyTranscript(), ALL);
    expect(resultTextToShow(t.items, result as Extract<AgentEvent, { type: "result" }>)).toBeNull();
    expect(resultTextToShow([], { ...(result as Extract<AgentEvent, { type: "result" }>), result: "Only here" })).toBe("Only here");
  });
});
