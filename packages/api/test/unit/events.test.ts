import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer, get } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { KEY, makeApp } from "./helpers.js";

describe("GET /api/events", () => {
  it("needs the key", async () => {
    const t = makeApp();
    const res = await request(t.app).get("/api/events");
    expect(res.status).toBe(401);
  });

  it("streams a space event for each state change, and stops listening when the client goes", async () => {
    const t = makeApp();
    const server = createServer(createApp({ ...t.deps, eventsKeepAliveMs: 50 }));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const ac = new AbortController();
    try {
      const before = t.deps.events.listenerCount();
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`, {
        headers: { Authorization: `Bearer ${KEY}` },
        signal: ac.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      const dec = new TextDecoder();
      let text = "";
      const created = t.api.post("/api/spaces", { name: "ev1" }).then((r) => r); // supertest sends on then()
      while (!text.includes('"state":"running"') || !text.includes(": keep-alive")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += dec.decode(value);
      }
      expect((await created).status).toBe(201);
      expect(text).toMatch(/event: space\ndata: \{"space":"ev1","state":"running","cause":"create"/);
      // The audit append rides the stream too, as its id and type alone (no meta).
      expect(text).toMatch(/event: audit\ndata: \{"id":\d+,"type":"space.create","space":"ev1","ts":"[^"]+"\}\n/);
      expect(text).toContain(": keep-alive");
      expect(t.deps.events.listenerCount()).toBeGreaterThan(before);
      ac.abort();
      await expect.poll(() => t.deps.events.listenerCount()).toBe(before);

      // A shutdown ends open streams rather than waiting for them.
      const res2 = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`, { headers: { Authorization: `Bearer ${KEY}` } });
      const r2 = res2.body!.getReader();
      await r2.read();
      t.deps.events.close();
      let ended = false;
      while (!ended) ended = (await r2.read()).done;
      expect(ended).toBe(true);
      await expect.poll(() => t.deps.events.listenerCount()).toBe(before);
    } finally {
      ac.abort();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("the dashboard at /", () => {
  const dir = mkdtempSync(join(tmpdir(), "cs-web-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>dash</title>");
  writeFileSync(join(dir, "assets", "app-abc.js"), "console.log(1)");

  it("serves index.html for app paths, assets with long caching, and leaves /api and /metrics alone", async () => {
    const t = makeApp();
    const app = createApp({ ...t.deps, webDir: dir });
    const home = await request(app).get("/").set("Accept", "text/html");
    expect(home.status).toBe(200);
    expect(home.text).toContain("<title>dash</title>");
    const deep = await request(app).get("/spaces/x/files").set("Accept", "text/html");
    expect(deep.text).toContain("<title>dash</title>");
    const asset = await request(app).get("/assets/app-abc.js");
    expect(asset.headers["cache-control"]).toContain("immutable");
    const api = await request(app).get("/api/nope").set("Accept", "text/html").set("Authorization", `Bearer ${KEY}`);
    expect(api.status).toBe(404);
    expect(api.body.code).toBe("NOT_FOUND");
    const metrics = await request(app).get("/metrics").set("Accept", "text/html");
    expect(metrics.status).toBe(401);
  });

  it("sends a precompressed asset in the best encoding the browser takes, with its own type, else as it is", async () => {
    const { gzipSync, brotliCompressSync, gunzipSync, brotliDecompressSync } = await import("node:zlib");
    const js = "console.log('compress me');".repeat(100);
    writeFileSync(join(dir, "assets", "big-1.js"), js);
    writeFileSync(join(dir, "assets", "big-1.js.br"), brotliCompressSync(js));
    writeFileSync(join(dir, "assets", "big-1.js.gz"), gzipSync(js));
    const t = makeApp();
    const app = createApp({ ...t.deps, webDir: dir });
    // Node's http client leaves the body as it came (supertest would decode it).
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const raw = (path: string, acceptEncoding: string) =>
      new Promise<{ headers: import("node:http").IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        get({ host: "127.0.0.1", port, path, headers: { "accept-encoding": acceptEncoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        }).on("error", reject);
      });
    try {
    const br = await raw("/assets/big-1.js", "gzip, deflate, br");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["content-type"]).toMatch(/^text\/javascript|^application\/javascript/);
    expect(br.headers.vary).toMatch(/Accept-Encoding/);
    expect(br.headers["cache-control"]).toContain("immutable");
    expect(brotliDecompressSync(br.body).toString()).toBe(js);
    const gz = await raw("/assets/big-1.js", "gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toBe(js);
    const plain = await raw("/assets/big-1.js", "identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/);
    expect(plain.body.toString()).toBe(js);
    const refused = await raw("/assets/big-1.js", "br;q=0, gzip");
    expect(refused.headers["content-encoding"]).toBe("gzip");
    // A file the build did not compress goes as it is, with no Vary.
    const small = await raw("/assets/app-abc.js", "br");
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.body.toString()).toBe("console.log(1)");
    } finally {
      server.close();
    }
  });

  it("serves nothing when the folder has no build, so the API works alone", async () => {
    const t = makeApp();
    const app = createApp({ ...t.deps, webDir: join(dir, "missing") });
    const res = await request(app).get("/").set("Accept", "text/html");
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("NOT_FOUND");
  });
});

describe("GET /api/events limits", () => {
  it("answers 429 LIMIT_REACHED past the configured number of open streams, and frees the slot when one closes", async () => {
    const { createServer: mk } = await import("node:http");
    const t = makeApp();
    const server = mk(createApp({ ...t.deps, eventsMaxStreams: 2 }));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`;
    const headers = { Authorization: `Bearer ${KEY}` };
    const acs = [new AbortController(), new AbortController()];
    try {
      const open = await Promise.all(acs.map((ac) => fetch(url, { headers, signal: ac.signal })));
      expect(open.map((r) => r.status)).toEqual([200, 200]);
      const third = await fetch(url, { headers });
      expect(third.status).toBe(429);
      expect(((await third.json()) as { code: string }).code).toBe("LIMIT_REACHED");
      acs[0]!.abort();
      await expect.poll(async () => {
        const ac = new AbortController();
        const r = await fetch(url, { headers, signal: ac.signal });
        ac.abort();
        return r.status;
      }).toBe(200);
    } finally {
      for (const ac of acs) ac.abort();
      server.closeAllConnections();
      server.close();
    }
  });
});
