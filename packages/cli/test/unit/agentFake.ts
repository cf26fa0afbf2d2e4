import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AgentEvent, AgentRun } from "@clawdspace/shared";
import { ClawdspaceClient } from "@clawdspace/shared/client";
import type { Context } from "../../src/context.js";

export const SESSION = "3f2a9c1e-0b7d-4e8a-9c61-5d2f0e7a8b90";

/** A run as Claude Code streams it: a tool call, its output, the answer, the result. */
export const conversation: AgentEvent[] = [
  { type: "init", sessionId: SESSION, model: "claude-stub", cwd: "/workspace", offset: 10 },
  { type: "text", text: "I'll write the file.", offset: 20 },
  { type: "tool_call", id: "toolu_1", name: "Bash", input: { command: "echo hi > /workspace/a.txt", description: "write" }, offset: 30 },
  { type: "tool_result", toolUseId: "toolu_1", content: "", isError: false, truncated: false, offset: 40 },
  { type: "text", text: "STUB-DONE: written\n", offset: 50 },
  { type: "result", subtype: "success", isError: false, result: "STUB-DONE: written", numTurns: 2, durationMs: 3400, costUsd: 0.01234, sessionId: SESSION, offset: 60 },
];

/** A run as the server answers it, with the fields a test cares about. */
export function fakeRun(over: Partial<AgentRun> = {}): AgentRun {
  return {
    id: "tsk_aaaaaaaaaaaaaaaa",
    space: "dev",
    prompt: "fix the tests",
    resume: null,
    model: null,
    maxTurns: null,
    state: "running",
    sessionId: null,
    result: null,
    isError: null,
    numTurns: null,
    durationMs: null,
    costUsd: null,
    usage: null,
    exitCode: null,
    error: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: null,
    ...over,
  };
}

export interface FakeAgentServer {
  url: string;
  /** Every request: method, path with query, and the JSON body if any. */
  requests: Array<{ method: string; url: string; body: unknown }>;
  /** The transcript the server serves, and the run it ends with. */
  events: AgentEvent[];
  ended: AgentRun;
  /** Follow connections to cut after this many events (one entry per connection, in order). */
  dropAfter: number[];
  /** Follow connections that send nothing and stay open (to test an interrupt). */
  hang: boolean;
  /** Pages say the transcript is not complete yet (the run is still going). */
  live: boolean;
  /** A page of GET …/runs/:id carries at most this many events. */
  pageSize: number;
  /** An error the POST answers with, instead of the run. */
  refuse?: { status: number; code: string; error: string };
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

/** The agent routes of the contract in memory, on loopback: what the CLI sees of a real server. */
export async function fakeAgentServer(): Promise<FakeAgentServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      f.requests.push({ method: req.method!, url: req.url!, body });
      const u = new URL(req.url!, "http://x");
      const json = (status: number, v: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(v));
      const m = /^\/api\/spaces\/([^/]+)\/agent\/runs(?:\/([^/]+))?(\/cancel)?$/.exec(u.pathname);
      if (!m) return json(404, { error: "no route", code: "NOT_FOUND" });
      const [, , id, cancel] = m;
      if (req.method === "POST" && !id) {
        if (f.refuse) return json(f.refuse.status, { error: f.refuse.error, code: f.refuse.code });
        const b = body as { prompt: string; resume?: string };
        return json(201, { run: fakeRun({ id: f.ended.id, prompt: b.prompt, resume: b.resume ?? null }) });
      }
      if (req.method === "GET" && !id) return json(200, { runs: [f.ended] });
      if (id !== f.ended.id) return json(404, { error: `Run ${id} not found`, code: "NOT_FOUND" });
      if (cancel) return json(200, { run: { ...f.ended, state: "cancelled" } });
      const offset = Number(u.searchParams.get("offset") ?? 0);
      const rest = f.events.filter((e) => e.offset > offset);
      if (u.searchParams.get("follow") !== "1") {
        const page = rest.slice(0, f.pageSize);
        const complete = page.length === rest.length && !f.live;
        return json(200, { run: f.ended, events: page, nextOffset: page.at(-1)?.offset ?? offset, complete });
      }
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      if (f.hang) return void res.write("");
      const cut = f.dropAfter.shift();
      for (const [i, event] of rest.entries()) {
        if (cut !== undefined && i >= cut) {
          // Cut only once what was written has reached the client, as a dropped proxy would.
          await new Promise((r) => setTimeout(r, 50));
          return void res.destroy();
        }
        await new Promise((r) => res.write(`${JSON.stringify({ event })}\n`, r));
      }
      res.end(`${JSON.stringify({ end: true, nextOffset: f.events.at(-1)?.offset ?? 0, run: f.ended })}\n`);
    })();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const f: FakeAgentServer = {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests: [],
    events: [],
    ended: fakeRun({ state: "succeeded", isError: false }),
    dropAfter: [],
    hang: false,
    live: false,
    pageSize: 1000,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
  return f;
}

export interface Captured {
  ctx: Context;
  out: () => string;
  err: () => string;
}

/** A Context whose client talks to `url` and whose stdout and stderr are strings. */
export function captureContext(url: string, o: { json?: boolean } = {}): Captured {
  let out = "";
  let err = "";
  const sink = (add: (s: string) => void) => ({ isTTY: false, write: (s: string) => (add(s), true) }) as unknown as NodeJS.WriteStream;
  const ctx: Context = {
    client: new ClawdspaceClient({ baseUrl: url, key: "k" }),
    settings: { url, key: "k" } as Context["settings"],
    json: Boolean(o.json),
    colour: false,
    colourErr: false,
    out: sink((s) => (out += s)),
    err: sink((s) => (err += s)),
  };
  return { ctx, out: () => out, err: () => err };
}
