import { randomBytes } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupTemps, requireBinary } from "./helpers.js";
import {
  exists, files, isLink, listNames as names, mkfifo, outcome, parseList, perm, put, sha256, space, splitRead, startSwapper, text,
} from "./filesHelpers.js";

beforeAll(requireBinary);
afterAll(cleanupTemps);

describe("files list", () => {
  it("prints one \\0-ended record per entry with type, size, mtime, mode and link target", () => {
    const s = space();
    const odd = ["plain.txt", "tab\there", "new\nline", "héllo✓ 日本"];
    for (const n of odd) writeFileSync(s.p(n), "12345");
    chmodSync(s.p("plain.txt"), 0o644);
    utimesSync(s.p("plain.txt"), 1_700_000_000.25, 1_700_000_000.25);
    mkdirSync(s.p("sub"), { mode: 0o750 });
    symlinkSync("plain.txt", s.p("lnk"));
    mkfifo(s.p("fifo"));
    const r = files(s.root, ["list", s.root]);
    expect(r.code).toBe(0);
    const list = parseList(r.stdout);
    expect(list.map((e) => e.name).sort()).toEqual(readdirSync(s.root).sort());
    const by = new Map(list.map((e) => [e.name, e]));
    expect(by.get("plain.txt")).toMatchObject({ type: "f", size: "5", mode: "644", target: "" });
    expect(by.get("sub")).toMatchObject({ type: "d", mode: "750", target: "" });
    expect(by.get("lnk")).toMatchObject({ type: "l", target: "plain.txt" });
    expect(by.get("fifo")?.type).toBe("p");
    for (const n of odd) expect(by.get(n)).toMatchObject({ type: "f", size: "5" });
    for (const e of list) {
      expect(e.mtime).toMatch(/^\d+\.\d{9}$/);
      expect(Math.abs(Number(e.mtime) * 1000 - lstatSync(s.p(e.name)).mtimeMs)).toBeLessThanOrEqual(1);
    }
    expect(by.get("plain.txt")!.mtime).toBe("1700000000.250000000");
  });

  it("follows a symlink to a folder inside the root; 91 for a missing path, 92 for a file", () => {
    const s = space();
    writeFileSync(s.p("f"), "x");
    expect(files(s.root, ["list", s.p("nope")]).code).toBe(91);
    expect(files(s.root, ["list", s.p("f")]).code).toBe(92);
    mkdirSync(s.p("real", "in"), { recursive: true });
    writeFileSync(s.p("real", "in", "x"), "1");
    symlinkSync("real/in", s.p("rel"));
    symlinkSync(s.p("real"), s.p("abs"));
    expect(names(files(s.root, ["list", s.p("rel")]))).toEqual({ code: 0, names: ["x"] });
    expect(names(files(s.root, ["list", s.p("abs", "in")]))).toEqual({ code: 0, names: ["x"] });
  });

  it("is 90 for a symlink out of the root, absolute or climbing, and for a path outside", () => {
    const s = space();
    symlinkSync("/etc", s.p("etc"));
    symlinkSync("../../", s.p("up"));
    symlinkSync("..", s.p("parent"));
    mkdirSync(s.p("d"));
    symlinkSync("../../out", s.p("d", "up2"));
    for (const p of [s.p("etc"), s.p("up"), s.p("parent"), s.p("d", "up2"), "/etc", s.out, s.tmp]) {
      expect({ p, ...outcome(files(s.root, ["list", p])) }).toEqual({ p, code: 90, out: "" });
    }
  });
});

describe("files read", () => {
  it("prints the size line then the bytes, MAX capping the bytes only", () => {
    const s = space();
    writeFileSync(s.p("f"), "hello world");
    expect(outcome(files(s.root, ["read", s.p("f"), "-"]))).toEqual({ code: 0, out: "11\nhello world" });
    expect(outcome(files(s.root, ["read", s.p("f"), "3"]))).toEqual({ code: 0, out: "11\nhel" });
    expect(outcome(files(s.root, ["read", s.p("f"), "100"]))).toEqual({ code: 0, out: "11\nhello world" });
    writeFileSync(s.p("empty"), "");
    expect(outcome(files(s.root, ["read", s.p("empty"), "-"]))).toEqual({ code: 0, out: "0\n" });
  });

  it("is 93 for a folder, 91 for a missing file, 94 for a FIFO without hanging", () => {
    const s = space();
    mkdirSync(s.p("d"));
    mkfifo(s.p("fifo"));
    expect(files(s.root, ["read", s.p("d"), "-"]).code).toBe(93);
    expect(files(s.root, ["read", s.p("missing"), "-"]).code).toBe(91);
    expect(files(s.root, ["read", s.p("nodir", "missing"), "-"]).code).toBe(91);
    const r = files(s.root, ["read", s.p("fifo"), "-"], { timeout: 3000 });
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 94, signal: null });
  });

  it("reads through a symlink chain inside the root, not one leading out", () => {
    const s = space();
    mkdirSync(s.p("sub"));
    writeFileSync(s.p("sub", "t"), "target");
    symlinkSync("sub/t", s.p("l1"));
    symlinkSync(s.p("l1"), s.p("l2"));
    expect(outcome(files(s.root, ["read", s.p("l2"), "-"]))).toEqual({ code: 0, out: "6\ntarget" });
    writeFileSync(join(s.out, "secret"), "SECRET");
    symlinkSync(join(s.out, "secret"), s.p("abs"));
    symlinkSync("../out/secret", s.p("rel"));
    symlinkSync("/etc/passwd", s.p("pw"));
    symlinkSync("self", s.p("self"));
    for (const p of [s.p("abs"), s.p("rel"), s.p("pw")]) {
      expect({ p, ...outcome(files(s.root, ["read", p, "-"])) }).toEqual({ p, code: 90, out: "" });
    }
    expect([1, 90]).toContain(files(s.root, ["read", s.p("self"), "-"]).code);
  });

  it("is 90 for paths outside the root, climbing out with .., relative, or a sibling sharing the prefix", () => {
    const s = space();
    mkdirSync(s.p("a"));
    writeFileSync(join(s.tmp, "x"), "SECRET");
    mkdirSync(s.root + "2");
    writeFileSync(join(s.root + "2", "f"), "SECRET");
    for (const p of ["/etc/passwd", s.root + "/a/../../x", s.root + "/../x", s.root + "2/f", "ws/a", join(s.tmp, "x")]) {
      expect({ p, ...outcome(files(s.root, ["read", p, "-"])) }).toEqual({ p, code: 90, out: "" });
    }
  });
});

describe("files write", () => {
  it("writes SIZE bytes from stdin, making parents, new files 0644", () => {
    const s = space();
    expect(put(s.root, s.p("a", "b", "f.txt"), "hello").code).toBe(0);
    expect(text(s.p("a", "b", "f.txt"))).toBe("hello");
    expect([perm(s.p("a", "b", "f.txt")), perm(s.p("a")), perm(s.p("a", "b"))]).toEqual([0o644, 0o755, 0o755]);
  });

  it("exits 95 on short stdin, leaving the target as it was and no temporary file", () => {
    const s = space();
    writeFileSync(s.p("f"), "old");
    expect(put(s.root, s.p("f"), "abc", "-", 10).code).toBe(95);
    expect(text(s.p("f"))).toBe("old");
    expect(put(s.root, s.p("new"), "", "-", 10).code).toBe(95);
    expect(readdirSync(s.root)).toEqual(["f"]);
  });

  it("sets MODE, keeps an existing file's mode for -, is 93 onto a folder", () => {
    const s = space();
    expect(put(s.root, s.p("secret"), "ab", "600").code).toBe(0);
    expect(perm(s.p("secret"))).toBe(0o600);
    writeFileSync(s.p("script"), "old");
    chmodSync(s.p("script"), 0o755);
    expect(put(s.root, s.p("script"), "new").code).toBe(0);
    expect([text(s.p("script")), perm(s.p("script"))]).toEqual(["new", 0o755]);
    mkdirSync(s.p("d"));
    expect(put(s.root, s.p("d"), "x").code).toBe(93);
    expect(readdirSync(s.p("d"))).toEqual([]);
  });

  it("replaces the target of a symlink chain inside the root, keeping the links", () => {
    const s = space();
    mkdirSync(s.p("sub"));
    writeFileSync(s.p("sub", "t"), "old");
    symlinkSync("sub/t", s.p("l1"));
    symlinkSync("l1", s.p("l2"));
    expect(put(s.root, s.p("l2"), "new").code).toBe(0);
    expect(text(s.p("sub", "t"))).toBe("new");
    expect([isLink(s.p("l1")), isLink(s.p("l2")), readlinkSync(s.p("l2"))]).toEqual([true, true, "l1"]);
  });

  it("is 90 when the parent is a link out of the root, writing nothing there", () => {
    const s = space();
    symlinkSync(s.out, s.p("out"));
    writeFileSync(join(s.out, "keep"), "keep");
    symlinkSync(join(s.out, "keep"), s.p("keep"));
    for (const p of [s.p("out", "f"), s.p("out", "new", "f"), s.p("keep")]) expect(put(s.root, p, "x").code).toBe(90);
    expect(readdirSync(s.out)).toEqual(["keep"]);
    expect(text(join(s.out, "keep"))).toBe("keep");
  });

  it("round-trips 1.5 MiB of random bytes through write and read", () => {
    const s = space();
    const data = randomBytes(1536 * 1024 + 17);
    expect(put(s.root, s.p("big.bin"), data).code).toBe(0);
    expect(sha256(readFileSync(s.p("big.bin")))).toBe(sha256(data));
    const r = splitRead(files(s.root, ["read", s.p("big.bin"), "-"]).stdout);
    expect({ size: r.size, sha: sha256(r.body) }).toEqual({ size: data.length, sha: sha256(data) });
  });
});

describe("files remove", () => {
  it("removes a file and an empty folder; a non-empty folder only with RECURSIVE 1", () => {
    const s = space();
    writeFileSync(s.p("f"), "x");
    mkdirSync(s.p("empty"));
    mkdirSync(s.p("full", "in"), { recursive: true });
    writeFileSync(s.p("full", "in", "g"), "y");
    expect(files(s.root, ["remove", s.p("f"), "0"]).code).toBe(0);
    expect(files(s.root, ["remove", s.p("empty"), "0"]).code).toBe(0);
    const r = files(s.root, ["remove", s.p("full"), "0"]);
    expect({ code: r.code, said: r.stderr.length > 0 }).toEqual({ code: 94, said: true });
    expect(text(s.p("full", "in", "g"))).toBe("y");
    expect(files(s.root, ["remove", s.p("full"), "1"]).code).toBe(0);
    expect(readdirSync(s.root)).toEqual([]);
  });

  it("removes recursively without following links out of the root", () => {
    const s = space();
    writeFileSync(join(s.out, "secret"), "SECRET");
    mkdirSync(s.p("tree", "a", "b"), { recursive: true });
    writeFileSync(s.p("tree", "a", "b", "f"), "x");
    symlinkSync(s.out, s.p("tree", "a", "outdir"));
    symlinkSync(join(s.out, "secret"), s.p("tree", "a", "b", "outfile"));
    symlinkSync("../../out", s.p("tree", "rel"));
    expect(files(s.root, ["remove", s.p("tree"), "1"]).code).toBe(0);
    expect(exists(s.p("tree"))).toBe(false);
    expect(text(join(s.out, "secret"))).toBe("SECRET");
  });

  it("removes a link itself, 91 for a missing path, 94 for the root", () => {
    const s = space();
    mkdirSync(s.p("real"));
    writeFileSync(s.p("real", "f"), "x");
    symlinkSync("real", s.p("ldir"));
    symlinkSync(s.out, s.p("lout"));
    writeFileSync(join(s.out, "keep"), "k");
    expect(files(s.root, ["remove", s.p("ldir"), "1"]).code).toBe(0);
    expect(files(s.root, ["remove", s.p("lout"), "1"]).code).toBe(0);
    expect([readdirSync(s.root), text(s.p("real", "f")), readdirSync(s.out)]).toEqual([["real"], "x", ["keep"]]);
    expect(files(s.root, ["remove", s.p("missing"), "0"]).code).toBe(91);
    expect(files(s.root, ["remove", s.root, "1"]).code).toBe(94);
    expect(exists(s.p("real", "f"))).toBe(true);
  });
});

describe("files mkdir", () => {
  it("makes nested folders, is fine with an existing one, 94 with a file in its place, 92 with one on the way, 90 through a link out", () => {
    const s = space();
    expect(files(s.root, ["mkdir", s.p("a", "b", "c")]).code).toBe(0);
    expect(statSync(s.p("a", "b", "c")).isDirectory()).toBe(true);
    expect(files(s.root, ["mkdir", s.p("a", "b")]).code).toBe(0);
    expect(files(s.root, ["mkdir", s.root]).code).toBe(0);
    writeFileSync(s.p("f"), "x");
    expect(files(s.root, ["mkdir", s.p("f")]).code).toBe(94);
    expect(files(s.root, ["mkdir", s.p("f", "sub")]).code).toBe(92);
    symlinkSync(s.out, s.p("out"));
    expect(files(s.root, ["mkdir", s.p("out", "x", "y")]).code).toBe(90);
    expect(readdirSync(s.out)).toEqual([]);
  });
});

describe("files move", () => {
  it("renames, making TO's parents; 94 for a file onto a folder; 91 for a missing source", () => {
    const s = space();
    writeFileSync(s.p("a"), "A");
    expect(files(s.root, ["move", s.p("a"), s.p("b")]).code).toBe(0);
    expect(files(s.root, ["move", s.p("b"), s.p("x", "y", "z")]).code).toBe(0);
    expect([exists(s.p("a")), exists(s.p("b")), text(s.p("x", "y", "z"))]).toEqual([false, false, "A"]);
    mkdirSync(s.p("dir"));
    expect(files(s.root, ["move", s.p("x", "y", "z"), s.p("dir")]).code).toBe(94);
    expect(text(s.p("x", "y", "z"))).toBe("A");
    expect(readdirSync(s.p("dir"))).toEqual([]);
    expect(files(s.root, ["move", s.p("missing"), s.p("m2")]).code).toBe(91);
    expect(exists(s.p("m2"))).toBe(false);
  });

  it("moves a symlink itself, and is 90 out of the root", () => {
    const s = space();
    writeFileSync(s.p("t"), "T");
    symlinkSync("t", s.p("l"));
    expect(files(s.root, ["move", s.p("l"), s.p("m")]).code).toBe(0);
    expect([isLink(s.p("m")), readlinkSync(s.p("m"))]).toEqual([true, "t"]);
    expect(text(s.p("t"))).toBe("T");
    expect(files(s.root, ["move", s.p("t"), join(s.out, "t")]).code).toBe(90);
    expect(readdirSync(s.out)).toEqual([]);
  });
});

describe("files confinement under a race", () => {
  it("never reads through a folder swapped for a link out of the root", async () => {
    const s = space();
    mkdirSync(s.p("d"));
    writeFileSync(s.p("d", "f"), "inside");
    writeFileSync(join(s.out, "f"), "SECRET");
    symlinkSync(s.out, s.p("d.link"));
    const swapper = startSwapper(s.root);
    const seen = new Set<string>();
    try {
      for (let i = 0, until = Date.now() + 4000; i < 200 && Date.now() < until; i++) {
        const r = outcome(files(s.root, ["read", s.p("d", "f"), "-"], { timeout: 3000 }));
        expect(r.out).not.toContain("SECRET");
        seen.add(r.code === 0 ? `0:${r.out}` : String(r.code));
      }
    } finally {
      await swapper.stop();
    }
    for (const k of seen) expect(["0:6\ninside", "90", "91"]).toContain(k);
    expect(seen.size).toBeGreaterThan(1); // else the swap never raced the reads: the test proved nothing
  });
});

describe("files usage", () => {
  it.each([[["frobnicate", "/tmp"]], [["read"]], [[]]])("exits 2 for %j", (args) => {
    expect(files(space().root, args).code).toBe(2);
  });
});
