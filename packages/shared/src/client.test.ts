import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ClawdspaceApiError, ClawdspaceClient } from "./client.js";

interface Call {
  url: string;
  init: RequestInit & { duplex?: string };
}

/** A server in memory: answers every request with `answer` and keeps what it was asked. */
function fakeServer(answer: (c: Call) => Response) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const c = { url, init };
    calls.push(c);
    return answer(c);
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const e = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(e.encode(x));
      c.close();
    },
  });
}

describe("terminal and event URLs", () => {
  it("builds the terminal socket URL with its ticket and resume query, ws for http and wss for https", () => {
    const c = new ClawdspaceClient({ baseUrl: "https://h:1/api/" });
    const u = new URL(c.terminalUrl("my space", { ticket: "t9", session: "s1", since: 42, mode: "view", cols: 80, rows: 24 }));
    expect(u.protocol).toBe("wss:");
    expect(u.host).toBe("h:1");
    expect(u.pathname).toBe("/api/spaces/my%20space/terminal");
    expect(Object.fromEntries(u.searchParams)).toEqual({ ticket: "t9", session: "s1", since: "42", mode: "view", cols: "80", rows: "24" });
    const plain = new URL(new ClawdspaceClient({ baseUrl: "http://h:2" }).terminalUrl("x", { since: undefined }));
    expect(plain.protocol).toBe("ws:");
    expect(plain.search).toBe("");
    expect(new ClawdspaceClient({ baseUrl: "http://h:2" }).eventsUrl()).toBe("http://h:2/api/events");
  });

  it("resolves a relative root against the page it runs in", () => {
    const g = globalThis as { location?: unknown };
    const before = g.location;
    g.location = { href: "https://dash.example:8443/spaces/x?tab=terminal" };
    try {
      const c = new ClawdspaceClient({ baseUrl: "" });
      expect(c.terminalUrl("x", { ticket: "t" })).toBe("wss://dash.example:8443/api/spaces/x/terminal?ticket=t");
      expect(c.eventsUrl()).toBe("https://dash.example:8443/api/events");
    } finally {
      g.location = before;
    }
  });
});

describe("events()", () => {
  it("resolves when the stream is open and yields each change, across chunk boundaries, skipping comments and bad data", async () => {
    let key = "k1";
    const body = streamOf([
      "retry: 2000\n: connected\n\n",
      'event: space\ndata: {"space":"a","state":"paused","cause":"idle","at":"2026-01-01T00:00:00.000Z"}\n\nevent: space\nda',
      'ta: {"space":"b","state":"destroyed","cause":"user","at":"2026-01-01T00:00:01.000Z"}\n\n: keep-alive\n\ndata: {not json\n\n',
      'data: {"space":"c","state":"running","cause":"create","at":"2026-01-01T00:00:02.000Z"}',
    ]);
    const s = fakeServer(() => new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }));
    const c = new ClawdspaceClient({ baseUrl: "", key: () => key, fetch: s.fetch });
    key = "k2";
    const stream = await c.events();
    expect(s.calls[0]!.url).toBe("/api/events");
    expect(s.calls[0]!.init.headers).toMatchObject({ accept: "text/event-stream", authorization: "Bearer k2" });
    const got = [];
    for await (const e of stream) got.push(`${e.space}:${e.state}:${e.cause}`);
    expect(got).toEqual(["a:paused:idle", "b:destroyed:user", "c:running:create"]);
  });

  it("rejects with the server's error before any event when the key is refused", async () => {
    const s = fakeServer(() => json(401, { error: "Missing or invalid API key", code: "UNAUTHORIZED" }));
    const err = await new ClawdspaceClient({ baseUrl: "", fetch: s.fetch }).events().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClawdspaceApiError);
    expect(err).toMatchObject({ status: 401, code: "UNAUTHORIZED", message: "Missing or invalid API key" });
    expect(s.calls[0]!.init.headers).not.toHaveProperty("authorization");
  });
});

describe("ClawdspaceApiError", () => {
  it("carries the field issues of a validation failure, and none for other errors", async () => {
    const s = fakeServer(() =>
      json(400, { error: "Invalid body", code: "VALIDATION_FAILED", details: { issues: [{ path: "memory", message: "too big" }, { path: ["env", "A"], message: "bad" }, { nonsense: 1 }] } }),
    );
    const err = (await new ClawdspaceClient({ baseUrl: "http://h", fetch: s.fetch }).createSpace({ name: "a", memory: "99g" }).catch((e: unknown) => e)) as ClawdspaceApiError;
    expect(err.issues).toEqual([
      { path: "memory", message: "too big" },
      { path: "env.A", message: "bad" },
    ]);
    expect(new ClawdspaceApiError(409, "SPACE_EXISTS", "exists").issues).toEqual([]);
  });
});

describe("writeFileStream", () => {
  it("sends a Blob as the raw body, without a half-duplex stream", async () => {
    const s = fakeServer(() => json(200, { message: "written", path: "/a.txt", bytes: 5 }));
    const blob = new Blob(["hello"]);
    const answer = await new ClawdspaceClient({ baseUrl: "http://h", fetch: s.fetch }).writeFileStream("x", "/a b.txt", blob, blob.size);
    expect(answer.bytes).toBe(5);
    const { url, init } = s.calls[0]!;
    expect(url).toBe("http://h/api/spaces/x/file?path=%2Fa+b.txt");
    expect(init.method).toBe("PUT");
    expect(init.body).toBe(blob);
    expect(init.duplex).toBeUndefined();
    expect(init.headers).toMatchObject({ "content-type": "application/octet-stream" });
  });
});

describe("the /client entry", () => {
  it("loads no schema code: nothing it imports at run time imports zod", () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(new URL(file, import.meta.url), "utf8");
      // re-exports load their module too
      for (const m of src.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gm)) {
        const spec = m[1]!;
        expect(spec, `${file} imports ${spec}`).not.toBe("zod");
        if (spec.startsWith("./")) visit(spec.replace(/\.js$/, ".ts"));
      }
    };
    visit("./client.ts");
    expect([...seen].sort()).toEqual(["./agentClient.ts", "./bundle.ts", "./client.ts", "./clientError.ts", "./projectClient.ts", "./taskClient.ts", "./tunnelClient.ts", "./wire.ts"]);
  });
});
