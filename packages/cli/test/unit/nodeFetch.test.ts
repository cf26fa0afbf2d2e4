import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { ClawdspaceApiError, ClawdspaceClient } from "@clawdspace/shared/client";
import { nodeFetch } from "../../src/http/nodeFetch.js";

let server: Server | undefined;
afterEach(() => server?.close());

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe("the client over node:http", () => {
  it("sends JSON with the bearer key and reads JSON, errors and headers", async () => {
    const seen: Array<{ method?: string; url?: string; auth?: string; body: string }> = [];
    const url = await serve(async (req, res) => {
      let body = "";
      for await (const c of req) body += c;
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      if (req.url === "/api/spaces/missing") {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Space missing not found", code: "SPACE_NOT_FOUND" }));
        return;
      }
      res.writeHead(201, { "content-type": "application/json", "x-clawdspace-wake": "warm" }).end(JSON.stringify({ space: { name: "dev" } }));
    });
    const client = new ClawdspaceClient({ baseUrl: url, key: "k1", fetch: nodeFetch });
    expect(await client.createSpace({ name: "dev", memory: "1g" })).toEqual({ name: "dev" });
    expect(seen[0]).toEqual({ method: "POST", url: "/api/spaces", auth: "Bearer k1", body: '{"name":"dev","memory":"1g"}' });
    const err = await client.getSpace("missing").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClawdspaceApiError);
    expect(err).toMatchObject({ status: 404, code: "SPACE_NOT_FOUND" });
    const res = await nodeFetch(`${url}/x`, { method: "GET" });
    expect(res.headers.get("X-Clawdspace-Wake")).toBe("warm");
  });

  it("streams NDJSON lines as they come and streams a request body", async () => {
    const url = await serve(async (req, res) => {
      if (req.url?.endsWith("/exec")) {
        res.writeHead(200, { "content-type": "application/x-ndjson" });
        res.write('{"stream":"stdout","data":"a"}\n{"stream":"std');
        setTimeout(() => res.end('err","data":"b"}\n{"exitCode":3,"timedOut":false,"truncated":false,"durationMs":1}\n'), 20);
        return;
      }
      let n = 0;
      for await (const c of req) n += (c as Buffer).length;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ bytes: n }));
    });
    const client = new ClawdspaceClient({ baseUrl: url, fetch: nodeFetch });
    const lines = [];
    for await (const l of client.execStream("dev", { command: "x" })) lines.push(l);
    expect(lines).toEqual([
      { stream: "stdout", data: "a" },
      { stream: "stderr", data: "b" },
      { exitCode: 3, timedOut: false, truncated: false, durationMs: 1 },
    ]);
    const body = Readable.toWeb(Readable.from([Buffer.alloc(70_000), Buffer.alloc(30_000)])) as ReadableStream;
    const res = await nodeFetch(`${url}/upload`, { method: "PUT", body, headers: { "content-type": "application/x-tar" } });
    expect(await res.json()).toEqual({ bytes: 100_000 });
  });

  it("keeps node's error codes for an unreachable server", async () => {
    const url = await serve(() => undefined);
    server!.close();
    await once(server!, "close");
    const err = (await nodeFetch(`${url}/api/health`).catch((e: unknown) => e)) as NodeJS.ErrnoException;
    expect(err.code).toBe("ECONNREFUSED");
  });
});
