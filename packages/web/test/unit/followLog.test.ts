import { ClawdspaceClient } from "@clawdspace/shared/client";
import { describe, expect, it } from "vitest";
import { followTaskLog, type LogView } from "../../src/pages/space/tasks/followLog";

const ndjson = (lines: unknown[], tail = "") => new Response(lines.map((l) => `${JSON.stringify(l)}\n`).join("") + tail, { status: 200, headers: { "content-type": "application/x-ndjson" } });
const out = (data: string, offset: number) => ({ stream: "stdout", data, offset });
const task = { id: "tsk_aaaaaaaaaaaaaaaa", space: "dev", state: "succeeded" };

/** The shared client over a fake fetch that answers each follow request in turn and records its URL. */
function fakeServer(answers: Array<(url: URL) => Response>) {
  const urls: URL[] = [];
  const fetch = (async (input: string) => {
    const url = new URL(input, "http://x");
    urls.push(url);
    const answer = answers[urls.length - 1];
    if (!answer) throw new Error("no more answers");
    return answer(url);
  }) as typeof globalThis.fetch;
  return { client: new ClawdspaceClient({ baseUrl: "http://x", key: "k", fetch }), urls };
}

async function follow(client: ClawdspaceClient) {
  const views: LogView[] = [];
  let ended: unknown;
  await followTaskLog(client, "dev", task.id, { signal: new AbortController().signal, onView: (v) => views.push(v), onEnd: (t) => (ended = t), retryMs: 5, flushMs: 1 });
  return { views, last: views[views.length - 1]!, ended };
}
const shown = (v: LogView) => v.log.chunks.map((c) => c.text).join("");

describe("followTaskLog", () => {
  it("starts at offset 0, and after a drop resumes from the last offset shown without showing anything twice", async () => {
    const { client, urls } = fakeServer([
      // cut mid-line, as a proxy or a restart would
      () => ndjson([out("line-1\n", 7), out("line-2\n", 14)], '{"stream":"stdout","da'),
      // the server overlaps (line-2 again) before going on
      () => ndjson([out("line-2\n", 14), out("line-3\n", 21), { end: true, nextOffset: 21, task }]),
    ]);
    const { last, views, ended } = await follow(client);
    expect(urls.map((u) => [u.pathname, u.searchParams.get("offset"), u.searchParams.get("follow")])).toEqual([
      ["/api/spaces/dev/tasks/tsk_aaaaaaaaaaaaaaaa/logs", "0", "1"],
      ["/api/spaces/dev/tasks/tsk_aaaaaaaaaaaaaaaa/logs", "14", "1"],
    ]);
    expect(views.some((v) => v.status === "reconnecting")).toBe(true);
    expect(shown(last)).toBe("line-1\nline-2\nline-3\n");
    expect(last.status).toBe("ended");
    expect(ended).toEqual(task);
  });

  it("retries a stream that closes without its end line, and a 5xx", async () => {
    const { client, urls } = fakeServer([
      () => ndjson([out("a", 1)]),
      () => new Response(JSON.stringify({ error: "engine down", code: "ENGINE_UNAVAILABLE" }), { status: 503 }),
      () => ndjson([{ end: true, nextOffset: 1, task }]),
    ]);
    const { last } = await follow(client);
    expect(urls.map((u) => u.searchParams.get("offset"))).toEqual(["0", "1", "1"]);
    expect(shown(last)).toBe("a");
    expect(last.status).toBe("ended");
  });

  it("stops with the server's words on a 404 (the task was deleted)", async () => {
    const { client, urls } = fakeServer([() => new Response(JSON.stringify({ error: "No task tsk_aaaaaaaaaaaaaaaa in space dev", code: "NOT_FOUND" }), { status: 404 })]);
    const { last } = await follow(client);
    expect(urls).toHaveLength(1);
    expect(last.status).toBe("error");
    expect(last.error).toContain("No task");
  });
});
