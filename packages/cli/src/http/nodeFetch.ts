import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";

/**
 * The part of fetch the shared client uses, over node:http. Node's fetch loads undici on first
 * use, which costs a short-lived CLI about a quarter of a second per run (docs/BENCHMARKS.md);
 * node:http is already in memory. Errors keep node's codes (ECONNREFUSED, ...).
 */
export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(String(input));
  const mod = url.protocol === "https:" ? await import("node:https") : await import("node:http");
  const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
  return new Promise<Response>((resolve, reject) => {
    const req = mod.request(url, { method: init.method ?? "GET", headers, signal: init.signal ?? undefined }, (res) => resolve(wrap(res)));
    req.on("error", reject);
    const body = init.body as unknown;
    if (body === undefined || body === null) req.end();
    else if (typeof body === "string" || body instanceof Uint8Array) req.end(body);
    else if (body instanceof ReadableStream) Readable.fromWeb(body as import("node:stream/web").ReadableStream).on("error", (e) => req.destroy(e)).pipe(req);
    else if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function") Readable.from(body as AsyncIterable<Uint8Array>).on("error", (e) => req.destroy(e)).pipe(req);
    else reject(new TypeError("nodeFetch: unsupported body type"));
  });
}

function wrap(res: IncomingMessage): Response {
  const status = res.statusCode ?? 0;
  let used = false;
  const collect = async () => {
    used = true;
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  const answer = {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? "",
    headers: {
      get: (name: string) => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : String(v);
      },
    },
    get bodyUsed() {
      return used;
    },
    get body() {
      used = true;
      return Readable.toWeb(res);
    },
    text: collect,
    json: async () => JSON.parse(await collect()) as unknown,
  };
  return answer as unknown as Response;
}
