import { ClawdspaceClient } from "@clawdspace/shared/client";
import { describe, expect, it } from "vitest";
import { followRun, type RunView } from "../../src/pages/space/agent/followRun";

const ndjson = (lines: unknown[], tail = "") => new Response(lines.map((l) => `${JSON.stringify(l)}\n`).join("") + tail, { status: 200, headers: { "content-type": "application/x-ndjson" } });
const run = { id: "tsk_bbbbbbbbbbbbbbbb", space: "dev", state: "succeeded", costUsd: 0.01 };
const text = (t: string, offset: number) => ({ event: { type: "text", text: t, offset } });
const call = (id: string, offset: number) => ({ event: { type: "tool_call", id, name: "Bash", input: { command: "ls" }, offset } });
const res = (id: string, offset: number) => ({ event: { type: "tool_result", toolUseId: id, content: "ok", isError: false, truncated: false, offset } });

function fakeServer(answers: Array<() => Response>) {
  const urls: URL[] = [];
  const fetch = (async (input: string) => {
    const url = new URL(input, "http://x");
    urls.push(url);
    const answer = answers[urls.length - 1];
    if (!answer) throw new Error("no more answers");
    return answer();
  }) as typeof globalThis.fetch;
  return { client: new ClawdspaceClient({ baseUrl: "http://x", key: "k", fetch }), urls };
}

async function follow(client: ClawdspaceClient) {
  const views: RunView[] = [];
  let ended: unknown;
  await followRun(client, "dev", run.id, { signal: new AbortController().signal, onView: (v) => views.push(v), onEnd: (r) => (ended = r), retryMs: 5, flushMs: 1 });
  return { views, last: views[views.length - 1]!, ended };
}

describe("followRun", () => {
  it("follows from 0, and after a drop asks from the last offset taken and takes nothing twice", async () => {
    const { client, urls } = fakeServer([
      () => ndjson([text("Looking.", 100), call("toolu_1", 200)], '{"event":{"type":"te'),
      // The server starts a little early: the call again, then its result and the end.
      () => ndjson([call("toolu_1", 200), res("toolu_1", 300), text("Done.", 400), { end: true, nextOffset: 450, run }]),
    ]);
    const { last, views, ended } = await follow(client);
    expect(urls.map((u) => [u.pathname, u.searchParams.get("offset"), u.searchParams.get("follow")])).toEqual([
      ["/api/spaces/dev/agent/runs/tsk_bbbbbbbbbbbbbbbb", "0", "1"],
      ["/api/spaces/dev/agent/runs/tsk_bbbbbbbbbbbbbbbb", "200", "1"],
    ]);
    expect(views.some((v) => v.status === "reconnecting")).toBe(true);
    expect(last.transcript.items.map((i) => i.kind)).toEqual(["text", "tool", "text"]);
    expect(last.transcript.items[1]).toMatchObject({ call: { id: "toolu_1" }, result: { content: "ok" } });
    expect(last.transcript.offset).toBe(450);
    expect(last.status).toBe("ended");
    expect(last.ended).toEqual(run);
    expect(ended).toEqual(run);
  });

  it("stops on an answer that asking again will not change (a run not in the space)", async () => {
    const { client, urls } = fakeServer([() => new Response(JSON.stringify({ error: "No run tsk_x", code: "NOT_FOUND" }), { status: 404 })]);
    const { last } = await follow(client);
    expect(urls).toHaveLength(1);
    expect(last.status).toBe("error");
    expect(last.error).toBe("No run tsk_x");
  });
});
