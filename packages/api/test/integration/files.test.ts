import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract, pack } from "tar-stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EXEC_PATHS, expectPath, pathCounts } from "./execPaths.js";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable } from "./support.js";

const MB = 1024 * 1024;

async function tarOf(entries: Array<{ name: string; type?: "file" | "symlink" | "directory" | "character-device"; content?: string; linkname?: string; mode?: number }>) {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? "file", linkname: e.linkname, mode: e.mode, devmajor: 1, devminor: 3 }, e.content ?? "");
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function untar(stream: ReadableStream<Uint8Array>) {
  const out: Record<string, { type: string; content: string; linkname?: string | null; uid?: number }> = {};
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("entry", (h, s, next) => {
      const chunks: Buffer[] = [];
      s.on("data", (c) => chunks.push(c as Buffer));
      s.on("end", () => {
        out[h.name] = { type: h.type ?? "file", content: Buffer.concat(chunks).toString(), linkname: h.linkname, uid: h.uid };
        next();
      });
    });
    ex.on("finish", resolve);
    ex.on("error", reject);
  });
  await pipeline(Readable.fromWeb(stream as import("node:stream/web").ReadableStream), ex as unknown as NodeJS.WritableStream);
  await done;
  return out;
}

describe.skipIf(!engineAvailable).each(EXEC_PATHS)("files on the real engine via $path", ({ path, env }) => {
  const s = useServerWithSpace("files", { env });
  let before: ReturnType<typeof pathCounts>;
  beforeEach(() => {
    before = pathCounts(s);
  });
  // Files run over exec: each test's calls must have taken the path this suite names.
  afterEach(() => expectPath(s, path, before));
  const { name, sh } = s;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cs-files-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a 100 MB file goes up and down with the same checksum, owned by uid 1001", async () => {
    const file = join(dir, "big.bin");
    const hash = createHash("sha256");
    const out = createWriteStream(file);
    for (let i = 0; i < 100; i++) {
      const chunk = randomBytes(MB);
      hash.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((r) => out.end(r));
    const sum = hash.digest("hex");

    const up = await s.client.writeFileStream(name, "/data/big.bin", createReadStream(file), 100 * MB);
    expect(up.bytes).toBe(100 * MB);
    expect((await sh("sha256sum /workspace/data/big.bin")).split(" ")[0]).toBe(sum);
    expect((await sh("stat -c %u:%g /workspace/data/big.bin /workspace/data")).trim().split("\n")).toEqual(["1001:1001", "1001:1001"]);

    const down = createHash("sha256");
    let bytes = 0;
    for await (const c of (await s.client.readFileStream(name, "/data/big.bin")) as unknown as AsyncIterable<Uint8Array>) {
      down.update(c);
      bytes += c.length;
    }
    expect(bytes).toBe(100 * MB);
    expect(down.digest("hex")).toBe(sum);
    await s.client.deleteFile(name, "/data/big.bin");
  });

  it("an empty file, JSON both ways, and a listing", async () => {
    await s.client.writeFile(name, "/e/empty.txt", "");
    await s.client.writeFile(name, "/e/hello.txt", "héllo\n");
    expect((await sh("stat -c %s /workspace/e/empty.txt")).trim()).toBe("0");
    expect(await s.client.readFile(name, "/e/empty.txt")).toMatchObject({ contentBase64: "", truncated: false, size: 0 });
    const r = await s.client.readFile(name, "e/hello.txt");
    expect(Buffer.from(r.contentBase64, "base64").toString()).toBe("héllo\n");
    const list = await s.client.listFiles(name, "/e");
    expect(list.entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ["empty.txt", "file", 0],
      ["hello.txt", "file", 7],
    ]);
  });

  it("a cut-off raw upload leaves the old file as it was", async () => {
    await s.client.writeFile(name, "/cut.txt", "original");
    const res = await s.fetch(`/api/spaces/${name}/file?path=/cut.txt`, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "content-length": "10" },
      body: "12345",
    }).catch((e: Error) => e);
    if (res instanceof Response) expect(res.ok).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
    expect(await sh("cat /workspace/cut.txt")).toBe("original");
  });

  it("mkdir, rename, delete", async () => {
    await s.client.mkdir(name, "/m/a/b");
    await s.client.writeFile(name, "/m/a/b/f.txt", "f");
    await s.client.rename(name, "/m/a", "/m/z");
    expect(await sh("cat /workspace/m/z/b/f.txt")).toBe("f");
    await expect(s.client.deleteFile(name, "/m/z")).rejects.toMatchObject({ status: 409, code: "FILE_CONFLICT" });
    await s.client.deleteFile(name, "/m/z", { recursive: true });
    expect(await sh("ls /workspace/m")).toBe("");
    await expect(s.client.readFile(name, "/m/z/b/f.txt")).rejects.toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("tar upload and download of a tree with a symlink; escapes, devices and setuid are refused", async () => {
    const tar = await tarOf([
      { name: "tree/", type: "directory" },
      { name: "tree/a.txt", content: "A" },
      { name: "tree/sub/b.txt", content: "B" },
      { name: "tree/link", type: "symlink", linkname: "sub/b.txt" },
      { name: "../escape.txt", content: "no" },
      { name: "/abs.txt", content: "no" },
      { name: "tree/null", type: "character-device" },
      { name: "tree/suid", content: "#!/bin/sh\n", mode: 0o4755 },
      { name: "tree/out", type: "symlink", linkname: "/etc" },
      { name: "tree/out/evil", content: "no" },
    ]);
    const up = await s.client.uploadArchive(name, "/t", tar);
    expect(up.skipped.map((x) => x.reason).sort()).toEqual(["absolute", "escapes", "through-symlink", "type"]);
    expect(up.modesStripped).toBe(1);
    expect((await sh("readlink /workspace/t/tree/link; cat /workspace/t/tree/link; echo; stat -c '%a %u' /workspace/t/tree/suid")).trim().split("\n")).toEqual([
      "sub/b.txt",
      "B",
      "755 1001",
    ]);
    expect(await sh("ls /workspace/escape.txt /workspace/abs.txt /etc/evil /workspace/t/tree/null 2>/dev/null; true")).toBe("");

    const got = await untar(await s.client.downloadArchive(name, "/t/tree"));
    expect(got["./a.txt"]?.content).toBe("A");
    expect(got["./sub/b.txt"]?.content).toBe("B");
    expect(got["./link"]).toMatchObject({ type: "symlink", linkname: "sub/b.txt" });
    const one = await untar(await s.client.downloadArchive(name, "/t/tree/a.txt"));
    expect(Object.keys(one)).toEqual(["a.txt"]);
  });

  it("paths that resolve outside /workspace are 400: .., absolute climbs, %2e%2e, NUL, a symlink to /etc", async () => {
    await sh("ln -sfn /etc /workspace/etc-link; ln -sfn ../../etc /workspace/rel-link");
    const bad = [
      `/api/spaces/${name}/file?path=../etc/passwd`,
      `/api/spaces/${name}/file?path=/workspace/../etc/passwd`,
      `/api/spaces/${name}/file?path=%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
      `/api/spaces/${name}/file?path=/a%00b`,
      `/api/spaces/${name}/file?path=/etc-link/passwd`,
      `/api/spaces/${name}/file?path=/rel-link/passwd`,
      `/api/spaces/${name}/files?path=/etc-link`,
      `/api/spaces/${name}/archive?path=/etc-link`,
    ];
    for (const url of bad) {
      const res = await s.fetch(url);
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
    }
    const w = await s.fetch(`/api/spaces/${name}/file?path=/etc-link/evil`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contentBase64: "eA==" }),
    });
    expect(w.status).toBe(400);
    const up = await s.fetch(`/api/spaces/${name}/archive?path=/etc-link`, { method: "PUT", headers: { "content-type": "application/x-tar" }, body: await tarOf([{ name: "x", content: "x" }]) });
    expect(up.status).toBe(400);
    expect(await sh("ls /etc/evil /etc/x 2>/dev/null; true")).toBe("");
    // deleting the link deletes the link
    await s.client.deleteFile(name, "/etc-link");
    expect(await sh("test -e /etc/passwd && echo kept")).toBe("kept\n");
  });

  it("a paused space wakes for a write (warm) and a stopped one for a listing (cold)", async () => {
    await s.client.pauseSpace(name);
    const res = await s.fetch(`/api/spaces/${name}/file?path=/woke.txt`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contentBase64: Buffer.from("awake").toString("base64") }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-clawdspace-wake")).toBe("warm");
    expect((await s.client.getSpace(name)).status).toBe("running");

    await s.engine.containers.stop(name, 1);
    const list = await s.fetch(`/api/spaces/${name}/files?path=/`);
    expect(list.status).toBe(200);
    expect(list.headers.get("x-clawdspace-wake")).toBe("cold");
    expect(((await list.json()) as { entries: Array<{ name: string }> }).entries.some((e: { name: string }) => e.name === "woke.txt")).toBe(true);
  });

  it("a missing space is SPACE_NOT_FOUND", async () => {
    await s.client.listFiles(s.name, "/"); // a missing space reaches no agent: this keeps the path check honest
    await expect(s.client.listFiles("no-such-space-xyz")).rejects.toMatchObject({ status: 404, code: "SPACE_NOT_FOUND" });
    await expect(s.client.writeFile("no-such-space-xyz", "/a", "x")).rejects.toMatchObject({ status: 404, code: "SPACE_NOT_FOUND" });
  });
});
