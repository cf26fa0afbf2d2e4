import { pack, extract } from "tar-stream";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { KEY, createSpace, expectError, makeApp, type TestApp } from "./helpers.js";

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const auth = { Authorization: `Bearer ${KEY}` };

async function setup(): Promise<TestApp & { tree: ReturnType<TestApp["fake"]["tree"]> }> {
  const t = makeApp();
  await createSpace(t, "s1");
  return Object.assign(t, { tree: t.fake.tree("s1") });
}

function put(t: TestApp, path: string, body: unknown) {
  return request(t.app).put(path).set(auth).send(body as object);
}

async function tarOf(entries: Array<{ name: string; type?: string; content?: string; linkname?: string; mode?: number }>): Promise<Buffer> {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: (e.type ?? "file") as "file", mode: e.mode, linkname: e.linkname }, e.content ?? "");
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function untar(buf: Buffer): Promise<Record<string, { type: string; content: string; linkname?: string; uid?: number }>> {
  const out: Record<string, { type: string; content: string; linkname?: string; uid?: number }> = {};
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("entry", (h, s, next) => {
      const chunks: Buffer[] = [];
      s.on("data", (c) => chunks.push(c as Buffer));
      s.on("end", () => {
        out[h.name] = { type: h.type ?? "file", content: Buffer.concat(chunks).toString(), linkname: h.linkname ?? undefined, uid: h.uid };
        next();
      });
    });
    ex.on("finish", resolve);
    ex.on("error", reject);
  });
  ex.end(buf);
  await done;
  return out;
}

const binaryParser = (res: request.Response, cb: (err: Error | null, body: unknown) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on("data", (c: Buffer) => chunks.push(c));
  stream.on("end", () => cb(null, Buffer.concat(chunks)));
};

describe("files: write, read, list", () => {
  it("writes JSON base64 (empty too) and reads it back, binary safe", async () => {
    const t = await setup();
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    expect((await put(t, "/api/spaces/s1/file?path=/bin.dat", { contentBase64: b64(bytes) })).status).toBe(200);
    const empty = await put(t, "/api/spaces/s1/file?path=/empty.txt", { contentBase64: "" });
    expect(empty.status, JSON.stringify(empty.body)).toBe(200);
    expect(empty.body.bytes).toBe(0);
    const read = await t.api.get("/api/spaces/s1/file?path=/bin.dat");
    expect(read.status).toBe(200);
    expect(Buffer.from(read.body.contentBase64, "base64").equals(bytes)).toBe(true);
    expect(read.body).toMatchObject({ path: "/bin.dat", truncated: false, size: 7 });
    const e = await t.api.get("/api/spaces/s1/file?path=empty.txt");
    expect(e.body).toMatchObject({ contentBase64: "", truncated: false, size: 0 });
  });

  it("maxBytes truncates and says so", async () => {
    const t = await setup();
    t.tree.plant("/workspace/a.txt", "hello world");
    const r = await t.api.get("/api/spaces/s1/file?path=/a.txt&maxBytes=5");
    expect(Buffer.from(r.body.contentBase64, "base64").toString()).toBe("hello");
    expect(r.body.truncated).toBe(true);
  });

  it("raw bytes both ways", async () => {
    const t = await setup();
    const data = Buffer.alloc(300_000, 7);
    const w = await request(t.app).put("/api/spaces/s1/file?path=/dir/raw.bin").set(auth).set("Content-Type", "application/octet-stream").send(data);
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    expect(w.body.bytes).toBe(300_000);
    const r = await request(t.app).get("/api/spaces/s1/file?path=/dir/raw.bin&raw=1").set(auth).buffer(true).parse(binaryParser);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/octet-stream");
    expect((r.body as Buffer).equals(data)).toBe(true);
  });

  it("JSON content over the body limit is a 413", async () => {
    const t = await setup();
    const res = await put(t, "/api/spaces/s1/file?path=/big", { contentBase64: b64(Buffer.alloc(2 * 1024 * 1024)) });
    expectError(res, 413, "PAYLOAD_TOO_LARGE");
  });

  it("lists a folder with types, sizes and link targets", async () => {
    const t = await setup();
    t.tree.plant("/workspace/d/f.txt", "abc");
    t.tree.plant("/workspace/d/sub", { dir: true });
    t.tree.plant("/workspace/d/ln", { symlink: "f.txt" });
    const r = await t.api.get("/api/spaces/s1/files?path=/d");
    expect(r.status).toBe(200);
    expect(r.body.path).toBe("/d");
    expect(r.body.entries.map((e: { name: string; type: string; path: string }) => [e.name, e.type, e.path])).toEqual([
      ["f.txt", "file", "/d/f.txt"],
      ["ln", "symlink", "/d/ln"],
      ["sub", "dir", "/d/sub"],
    ]);
    expect(r.body.entries[0].size).toBe(3);
    expect(r.body.entries[1].target).toBe("f.txt");
    const root = await t.api.get("/api/spaces/s1/files");
    expect(root.body.path).toBe("/");
  });

  it("missing file is NOT_FOUND, missing space SPACE_NOT_FOUND on every route", async () => {
    const t = await setup();
    expectError(await t.api.get("/api/spaces/s1/file?path=/nope"), 404, "NOT_FOUND");
    expectError(await t.api.get("/api/spaces/s1/files?path=/nope"), 404, "NOT_FOUND");
    const routes = [
      t.api.get("/api/spaces/ghost/files"),
      t.api.get("/api/spaces/ghost/file?path=/a"),
      put(t, "/api/spaces/ghost/file?path=/a", { contentBase64: "" }),
      t.api.delete("/api/spaces/ghost/file?path=/a"),
      t.api.post("/api/spaces/ghost/files/mkdir", { path: "/x" }),
      t.api.post("/api/spaces/ghost/files/rename", { from: "/a", to: "/b" }),
      t.api.get("/api/spaces/ghost/archive?path=/"),
      request(t.app).put("/api/spaces/ghost/archive?path=/").set(auth).set("Content-Type", "application/x-tar").send(await tarOf([{ name: "a", content: "x" }])),
      t.api.get("/api/spaces/ghost/observability"),
    ];
    for (const res of await Promise.all(routes)) expectError(res, 404, "SPACE_NOT_FOUND");
  });
});

describe("files: confinement", () => {
  it.each([
    ["..", "/api/spaces/s1/file?path=../etc/passwd"],
    ["nested ..", "/api/spaces/s1/file?path=/a/../../etc/passwd"],
    ["%2e%2e", "/api/spaces/s1/file?path=%2e%2e/%2e%2e/etc/passwd"],
    ["/workspace/..", "/api/spaces/s1/file?path=/workspace/../etc/passwd"],
    ["NUL", "/api/spaces/s1/file?path=/a%00b"],
    ["list ..", "/api/spaces/s1/files?path=/.."],
  ])("%s is a 400", async (_label, url) => {
    const t = await setup();
    expectError(await t.api.get(url), 400, "VALIDATION_FAILED");
  });

  it("a symlink to /etc inside the volume is a 400 for read, list, write, archive", async () => {
    const t = await setup();
    t.tree.plant("/workspace/etc", { symlink: "/etc" });
    t.tree.plant("/workspace/up", { symlink: "../etc" });
    expectError(await t.api.get("/api/spaces/s1/file?path=/etc/passwd"), 400, "VALIDATION_FAILED");
    expectError(await t.api.get("/api/spaces/s1/file?path=/up/passwd"), 400, "VALIDATION_FAILED");
    expectError(await t.api.get("/api/spaces/s1/files?path=/etc"), 400, "VALIDATION_FAILED");
    expectError(await put(t, "/api/spaces/s1/file?path=/etc/evil", { contentBase64: b64("x") }), 400, "VALIDATION_FAILED");
    expectError(await t.api.get("/api/spaces/s1/archive?path=/etc"), 400, "VALIDATION_FAILED");
    expect(t.tree.node("/etc/evil")).toBeUndefined();
  });

  it("deleting a link removes the link, not its target", async () => {
    const t = await setup();
    t.tree.plant("/workspace/etc", { symlink: "/etc" });
    expect((await t.api.delete("/api/spaces/s1/file?path=/etc")).status).toBe(200);
    expect(t.tree.node("/workspace/etc")).toBeUndefined();
    expect(t.tree.node("/etc/passwd")).toBeDefined();
  });

  it("raw upload without Content-Length is a 411", async () => {
    const t = await setup();
    const req = request(t.app).put("/api/spaces/s1/file?path=/x").set(auth).set("Content-Type", "application/octet-stream").set("Transfer-Encoding", "chunked");
    req.write(Buffer.from("abc"));
    expectError(await req, 411, "LENGTH_REQUIRED");
  });
});

describe("files: delete, mkdir, rename", () => {
  it("mkdir, rename, delete (recursive needed for a full folder)", async () => {
    const t = await setup();
    expect((await t.api.post("/api/spaces/s1/files/mkdir", { path: "/a/b" })).status).toBe(200);
    t.tree.plant("/workspace/a/b/f", "1");
    expect((await t.api.post("/api/spaces/s1/files/rename", { from: "/a", to: "/c" })).status).toBe(200);
    expect(t.tree.node("/workspace/c/b/f")).toBeDefined();
    expectError(await t.api.delete("/api/spaces/s1/file?path=/c"), 409, "FILE_CONFLICT");
    expect((await t.api.delete("/api/spaces/s1/file?path=/c&recursive=true")).status).toBe(200);
    expect(t.tree.node("/workspace/c")).toBeUndefined();
    expectError(await t.api.delete("/api/spaces/s1/file?path=/"), 409, "FILE_CONFLICT");
    expectError(await t.api.post("/api/spaces/s1/files/rename", { from: "/nope", to: "/b" }), 404, "NOT_FOUND");
    expectError(await t.api.post("/api/spaces/s1/files/mkdir", {}), 400, "VALIDATION_FAILED");
  });
});

describe("files: archives", () => {
  it("download keeps symlinks; upload sanitises entries", async () => {
    const t = await setup();
    t.tree.plant("/workspace/p/a.txt", "A");
    t.tree.plant("/workspace/p/l", { symlink: "a.txt" });
    const dl = await request(t.app).get("/api/spaces/s1/archive?path=/p").set(auth).buffer(true).parse(binaryParser);
    expect(dl.status).toBe(200);
    expect(dl.headers["content-type"]).toBe("application/x-tar");
    const got = await untar(dl.body as Buffer);
    expect(got["./a.txt"]?.content).toBe("A");
    expect(got["./l"]).toMatchObject({ type: "symlink", linkname: "a.txt" });

    const tar = await tarOf([
      { name: "ok/x.txt", content: "X" },
      { name: "ok/link", type: "symlink", linkname: "x.txt" },
      { name: "../escape.txt", content: "no" },
      { name: "/abs.txt", content: "no" },
      { name: "dev", type: "character-device" },
      { name: "suid", content: "s", mode: 0o4755 },
      { name: "out", type: "symlink", linkname: "/etc" },
      { name: "out/passwd", content: "pwned" },
    ]);
    const up = await request(t.app).put("/api/spaces/s1/archive?path=/up").set(auth).set("Content-Type", "application/x-tar").send(tar);
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body.skipped.map((s: { reason: string }) => s.reason).sort()).toEqual(["absolute", "escapes", "through-symlink", "type"]);
    expect(up.body.modesStripped).toBe(1);
    expect(t.tree.node("/workspace/up/ok/x.txt")).toMatchObject({ type: "file" });
    expect(t.tree.node("/workspace/up/ok/link")).toMatchObject({ type: "symlink", target: "x.txt" });
    expect(t.tree.node("/workspace/up/suid")?.mode).toBe(0o755);
    expect(t.tree.node("/workspace/escape.txt")).toBeUndefined();
    expect(t.tree.node("/etc/passwd")).toMatchObject({ data: Buffer.from("root:x:0:0::/root:/bin/bash\n") });
  });

  it("garbage instead of a tar is a 400", async () => {
    const t = await setup();
    const res = await request(t.app).put("/api/spaces/s1/archive?path=/").set(auth).set("Content-Type", "application/x-tar").send(Buffer.alloc(1024, 65));
    expectError(res, 400, "VALIDATION_FAILED");
  });

  it("other media types are a 415", async () => {
    const t = await setup();
    const res = await request(t.app).put("/api/spaces/s1/archive?path=/").set(auth).set("Content-Type", "text/plain").send("x");
    expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});

describe("files: wake, activity, audit", () => {
  it("a paused space wakes first and says so; the operation is activity and is audited with actor and request id", async () => {
    const t = await setup();
    expect((await t.api.post("/api/spaces/s1/stop")).status).toBe(200);
    const res = await put(t, "/api/spaces/s1/file?path=/w.txt", { contentBase64: b64("secret content ghp_x") }).set("X-Request-Id", "req-files-1");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers["x-clawdspace-wake"]).toBe("warm");
    expect(res.body.wake).toBe("warm");
    expect(t.deps.activity.lastActivity("s1")?.source).toBe("files");
    const audit = await t.api.get("/api/audit?space=s1&type=space.file.write");
    expect(audit.body.events).toHaveLength(1);
    expect(audit.body.events[0]).toMatchObject({ actor: "default", requestId: "req-files-1", meta: { path: "/w.txt", bytes: 20 } });
    expect(JSON.stringify(audit.body)).not.toContain("secret content");
  });

  it("reads are not audited", async () => {
    const t = await setup();
    t.tree.plant("/workspace/r.txt", "r");
    await t.api.get("/api/spaces/s1/file?path=/r.txt");
    await t.api.get("/api/spaces/s1/files");
    const audit = await t.api.get("/api/audit?space=s1");
    expect(audit.body.events.map((e: { type: string }) => e.type)).toEqual(["space.create"]);
  });
});
