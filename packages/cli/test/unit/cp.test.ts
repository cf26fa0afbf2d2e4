import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { packPath } from "../../src/cp/pack.js";
import { parseEnd, remoteBase, remoteParent } from "../../src/cp/spec.js";
import { archiveTopOf, entryTarget, unpack } from "../../src/cp/unpack.js";

const tmp = () => mkdtempSync(join(tmpdir(), "cs-cp-"));

type Entry = { name: string; type?: "file" | "directory" | "symlink" | "link" | "character-device"; body?: string; mode?: number; linkname?: string };

function tarOf(entries: Entry[]): Readable {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.body !== undefined) pack.entry({ name: e.name, mode: e.mode ?? 0o644 }, e.body);
    else pack.entry({ name: e.name, type: e.type ?? "directory", mode: e.mode ?? 0o755, linkname: e.linkname });
  }
  pack.finalize();
  return pack as unknown as Readable;
}

const noWarn = (m: string) => {
  throw new Error(`unexpected warning: ${m}`);
};

describe("cp arguments", () => {
  it("tells space paths from local ones", () => {
    expect(parseEnd("dev:/src")).toEqual({ kind: "remote", space: "dev", path: "/src" });
    expect(parseEnd("dev:")).toEqual({ kind: "remote", space: "dev", path: "/" });
    expect(parseEnd("./a:b")).toEqual({ kind: "local", path: "./a:b" });
    expect(parseEnd("/abs/path")).toEqual({ kind: "local", path: "/abs/path" });
    expect(remoteBase("/src/app/")).toBe("app");
    expect(remoteBase("/")).toBe("workspace");
    expect(remoteParent("/src/app")).toBe("/src");
    expect(remoteParent("/app")).toBe("/");
  });

  it("reads a folder's archive (./ entries) and a file's (named entry) apart", () => {
    expect(archiveTopOf("./", "src")).toBeNull();
    expect(archiveTopOf("./a.txt", "a.txt")).toBeNull();
    expect(archiveTopOf("a.txt", "a.txt")).toBe("a.txt");
    expect(entryTarget({ base: "/d", top: "x", archiveTop: null }, "./sub/f")).toBe("/d/x/sub/f");
    expect(entryTarget({ base: "/d", top: "renamed", archiveTop: "a.txt" }, "a.txt")).toBe("/d/renamed");
    expect(entryTarget({ base: "/d", top: "x", archiveTop: null }, "../evil")).toBeNull();
    expect(entryTarget({ base: "/d", top: "x", archiveTop: null }, "/etc/passwd")).toBeNull();
    expect(entryTarget({ base: "/d", top: "x", archiveTop: "a" }, "b/c")).toBeNull();
  });
});

describe("download side: unpack", () => {
  it("keeps modes and symlinks, drops setuid bits, skips devices and hard links", async () => {
    const base = tmp();
    const warnings: string[] = [];
    await unpack(
      tarOf([
        { name: "./" },
        { name: "./bin", type: "directory", mode: 0o750 },
        { name: "./bin/run.sh", body: "#!/bin/sh\necho hi\n", mode: 0o755 },
        { name: "./suid", body: "x", mode: 0o4755 },
        { name: "./link", type: "symlink", linkname: "bin/run.sh" },
        { name: "./hard", type: "link", linkname: "./suid" },
        { name: "./dev", type: "character-device" },
      ]),
      { base, top: "out", expectTop: "src" },
      (m) => warnings.push(m),
      () => undefined,
    );
    const out = join(base, "out");
    expect(readFileSync(join(out, "bin/run.sh"), "utf8")).toBe("#!/bin/sh\necho hi\n");
    expect(lstatSync(join(out, "bin/run.sh")).mode & 0o7777).toBe(0o755);
    expect(lstatSync(join(out, "bin")).mode & 0o7777).toBe(0o750);
    expect(lstatSync(join(out, "suid")).mode & 0o7777).toBe(0o755);
    expect(readlinkSync(join(out, "link"))).toBe("bin/run.sh");
    expect(existsSync(join(out, "hard")) || existsSync(join(out, "dev"))).toBe(false);
    expect(warnings).toHaveLength(2);
  });

  it("refuses entries that escape by name", async () => {
    const base = tmp();
    for (const name of ["../escaped", "/tmp/abs-escape", "./a/../../escaped"]) {
      const err = await unpack(tarOf([{ name, body: "x" }]), { base, top: "out", archiveTop: null }, noWarn, () => undefined).catch((e: unknown) => e);
      expect((err as { code?: string }).code, name).toBe("UNSAFE_ARCHIVE");
    }
    expect(existsSync(join(base, "..", "escaped"))).toBe(false);
  });

  it("refuses to write through a symlink, from the archive or already on disk, and creates nothing outside", async () => {
    const outside = tmp();
    const base = tmp();
    const err = await unpack(
      tarOf([
        { name: "./" },
        { name: "./sneaky", type: "symlink", linkname: outside },
        { name: "./sneaky/sub/pwned", body: "x" },
      ]),
      { base, top: "out", archiveTop: null },
      noWarn,
      () => undefined,
    ).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("UNSAFE_ARCHIVE");
    expect(existsSync(join(outside, "sub"))).toBe(false);

    // an existing symlink as the target file is replaced, not followed
    const base2 = tmp();
    mkdirSync(join(base2, "out"));
    writeFileSync(join(outside, "victim"), "original");
    symlinkSync(join(outside, "victim"), join(base2, "out", "f"));
    await unpack(tarOf([{ name: "./f", body: "new" }]), { base: base2, top: "out", archiveTop: null }, noWarn, () => undefined);
    expect(readFileSync(join(outside, "victim"), "utf8")).toBe("original");
    expect(readFileSync(join(base2, "out", "f"), "utf8")).toBe("new");
  });
});

describe("upload side: pack", () => {
  it("round-trips a folder with a symlink, modes and an empty folder", async () => {
    const src = tmp();
    mkdirSync(join(src, "empty"));
    mkdirSync(join(src, "sub"));
    writeFileSync(join(src, "sub", "tool"), "#!/bin/sh\n");
    chmodSync(join(src, "sub", "tool"), 0o755);
    writeFileSync(join(src, "data.bin"), Buffer.from([0, 1, 2, 255]));
    symlinkSync("sub/tool", join(src, "alias"));
    const names: string[] = [];
    const pack = packPath(src, "proj", noWarn);
    const dst = tmp();
    let bytes = 0;
    await unpack(
      Readable.from(
        (async function* () {
          for await (const c of pack as AsyncIterable<Buffer>) yield c;
        })(),
      ),
      { base: dst, top: "copy", expectTop: "proj" },
      noWarn,
      (n) => (bytes += n),
    );
    names.push(...["empty", "sub/tool", "data.bin", "alias"].filter((n) => existsSync(join(dst, "copy", n)) || lstatSync(join(dst, "copy", n), { throwIfNoEntry: false })));
    expect(names).toEqual(["empty", "sub/tool", "data.bin", "alias"]);
    expect(readFileSync(join(dst, "copy", "data.bin"))).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(lstatSync(join(dst, "copy", "sub", "tool")).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(dst, "copy", "alias"))).toBe("sub/tool");
    expect(bytes).toBe("#!/bin/sh\n".length + 4);
  });
});
