import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, linkSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanupTemps, requireBinary } from "./helpers.js";
import {
  exists, files, isLink, mkfifo, perm, sha256, space, sysTar, text, ustarArchive, ustarEntry, walk,
} from "./filesHelpers.js";

beforeAll(requireBinary);
afterAll(cleanupTemps);

/** Member names as `tar -t` prints them, without a folder's trailing slash. */
const members = (archive: Buffer) => {
  const t = sysTar(["-tf", "-"], archive);
  expect({ code: t.code, stderr: t.stderr }).toEqual({ code: 0, stderr: "" });
  return t.stdout.toString().split("\n").filter((l) => l.length > 0).map((l) => (l === "./" ? "." : l.replace(/\/$/, "")));
};

describe("files tar-out", () => {
  const longName = "n".repeat(160) + ".txt";

  function fill(dir: string) {
    writeFileSync(join(dir, "a.txt"), "A");
    chmodSync(join(dir, "a.txt"), 0o640);
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "b.bin"), randomBytes(300_001));
    symlinkSync("a.txt", join(dir, "lnk"));
    symlinkSync("/etc", join(dir, "etc"));
    symlinkSync("t".repeat(120), join(dir, "longlink"));
    mkdirSync(join(dir, "d1", "d2", "d3"), { recursive: true });
    writeFileSync(join(dir, "d1", "d2", "d3", longName), "long");
    mkfifo(join(dir, "fifo"));
  }

  it("packs a folder as ./… with nested folders, links kept as links, long names and targets, no FIFO", () => {
    const s = space();
    mkdirSync(s.p("t"));
    fill(s.p("t"));
    const r = files(s.root, ["tar-out", s.p("t")], { timeout: 5000 });
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 0, signal: null, stderr: "" });
    expect(r.stdout.length % 512).toBe(0);
    const names = members(r.stdout);
    for (const n of names) expect(n === "." || n.startsWith("./")).toBe(true);
    expect(names.filter((n) => n !== ".").sort()).toEqual(
      ["./a.txt", "./sub", "./sub/b.bin", "./lnk", "./etc", "./longlink", "./d1", "./d1/d2", "./d1/d2/d3",
        `./d1/d2/d3/${longName}`].sort(),
    );
    expect(sysTar(["-tvf", "-"], r.stdout).code).toBe(0);
    const dest = join(s.tmp, "x");
    mkdirSync(dest);
    expect(sysTar(["-xf", "-", "-C", dest], r.stdout)).toMatchObject({ code: 0, stderr: "" });
    expect(walk(dest)).toEqual(walk(s.p("t")).filter((n) => n !== "fifo"));
    expect(text(join(dest, "a.txt"))).toBe("A");
    expect(perm(join(dest, "a.txt"))).toBe(0o640);
    expect(sha256(readFileSync(join(dest, "sub", "b.bin")))).toBe(sha256(readFileSync(s.p("t", "sub", "b.bin"))));
    expect(text(join(dest, "d1", "d2", "d3", longName))).toBe("long");
    for (const l of ["lnk", "etc", "longlink"]) {
      expect([l, isLink(join(dest, l)), readlinkSync(join(dest, l))]).toEqual([l, true, readlinkSync(s.p("t", l))]);
    }
  });

  it("packs a single file by its basename, and follows a link inside the root as PATH", () => {
    const s = space();
    mkdirSync(s.p("d"));
    writeFileSync(s.p("d", "one.txt"), "just me");
    symlinkSync("d", s.p("alias"));
    for (const p of [s.p("d", "one.txt"), s.p("alias", "one.txt")]) {
      const r = files(s.root, ["tar-out", p]);
      expect(r.code).toBe(0);
      expect(members(r.stdout)).toEqual(["one.txt"]);
      const dest = join(s.tmp, "x" + Math.random());
      mkdirSync(dest);
      expect(sysTar(["-xf", "-", "-C", dest], r.stdout).code).toBe(0);
      expect(text(join(dest, "one.txt"))).toBe("just me");
    }
  });

  it("is 91 for a missing path, 90 outside the root or through a link out of it", () => {
    const s = space();
    writeFileSync(join(s.out, "secret"), "SECRET");
    symlinkSync(s.out, s.p("out"));
    expect(files(s.root, ["tar-out", s.p("missing")]).code).toBe(91);
    for (const p of [s.out, s.p("out"), s.p("out", "secret")]) {
      const r = files(s.root, ["tar-out", p]);
      expect({ p, code: r.code, leaked: r.stdout.includes("SECRET") }).toEqual({ p, code: 90, leaked: false });
    }
  });

  it("round-trips through its own tar-in", () => {
    const s = space();
    mkdirSync(s.p("t"));
    fill(s.p("t"));
    const r = files(s.root, ["tar-out", s.p("t")], { timeout: 5000 });
    expect(files(s.root, ["tar-in", s.p("copy")], { input: r.stdout }).code).toBe(0);
    expect(walk(s.p("copy"))).toEqual(walk(s.p("t")).filter((n) => n !== "fifo"));
    expect(readlinkSync(s.p("copy", "longlink"))).toBe("t".repeat(120));
    expect(sha256(readFileSync(s.p("copy", "sub", "b.bin")))).toBe(sha256(readFileSync(s.p("t", "sub", "b.bin"))));
  });
});

describe("files tar-in", () => {
  const deep = ["p".repeat(70), "q".repeat(70), "r".repeat(70)];

  function source(tmp: string): string {
    const src = join(tmp, "src");
    mkdirSync(join(src, "sub", "inner"), { recursive: true });
    writeFileSync(join(src, "a.txt"), "alpha");
    writeFileSync(join(src, "sub", "inner", "b.txt"), "beta");
    symlinkSync("sub/inner/b.txt", join(src, "lnk"));
    expect(spawnSync("ln", [join(src, "a.txt"), join(src, "sub", "hard")]).status).toBe(0);
    mkdirSync(join(src, ...deep.slice(0, 2)), { recursive: true });
    writeFileSync(join(src, ...deep), "deep");
    writeFileSync(join(src, "suid"), "#!/bin/sh\n");
    chmodSync(join(src, "suid"), 0o4755);
    writeFileSync(join(src, "open"), "o");
    chmodSync(join(src, "open"), 0o777);
    mkdirSync(join(src, "wdir"));
    chmodSync(join(src, "wdir"), 0o1777);
    return src;
  }

  it.each(["gnu", "pax", "ustar"])("unpacks a %s archive: files, folders, links, hard links, long names, safe modes", (fmt) => {
    const s = space();
    const src = source(s.tmp);
    const archive = sysTar([`--format=${fmt}`, "-cf", "-", "-C", src, "."]);
    expect(archive.code).toBe(0);
    const dir = s.p("new", "place");
    const r = files(s.root, ["tar-in", dir], { input: archive.stdout });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(walk(dir)).toEqual(walk(src));
    expect(text(join(dir, "a.txt"))).toBe("alpha");
    expect(text(join(dir, "sub", "inner", "b.txt"))).toBe("beta");
    expect([isLink(join(dir, "lnk")), readlinkSync(join(dir, "lnk"))]).toEqual([true, "sub/inner/b.txt"]);
    expect(text(join(dir, "sub", "hard"))).toBe("alpha");
    expect(statSync(join(dir, "sub", "hard")).ino).toBe(statSync(join(dir, "a.txt")).ino);
    expect(text(join(dir, ...deep))).toBe("deep");
    expect(perm(join(dir, "suid"))).toBe(0o755);
    expect(perm(join(dir, "open"))).toBe(0o755);
    expect(perm(join(dir, "wdir"))).toBe(0o755);
  });

  it("skips absolute and climbing names, writing nothing outside, and goes on with the rest", () => {
    const s = space();
    const src = join(s.tmp, "src");
    mkdirSync(src);
    writeFileSync(join(src, "good.txt"), "good");
    const abs = join(s.out, "abs.txt");
    writeFileSync(abs, "abs");
    const withAbs = sysTar(["-cf", "-", "-P", "-C", src, "good.txt", abs]);
    expect(withAbs.code).toBe(0);
    rmSync(abs);
    const r1 = files(s.root, ["tar-in", s.p("dest")], { input: withAbs.stdout });
    expect([0, 2]).toContain(r1.code);
    expect(readdirSync(s.out)).toEqual([]);
    expect(text(s.p("dest", "good.txt"))).toBe("good");
    expect(walk(s.p("dest")).filter((n) => n.endsWith("abs.txt"))).toEqual([]);

    mkdirSync(s.p("d2", "a"), { recursive: true });
    const climbing = ustarArchive(
      ustarEntry("../x", "X"),
      ustarEntry("a/../../y", "Y"),
      ustarEntry("../../out/z", "Z"),
      ustarEntry(join(s.out, "w"), "W"),
      ustarEntry("ok.txt", "ok"),
    );
    const r2 = files(s.root, ["tar-in", s.p("d2")], { input: climbing });
    expect([0, 2]).toContain(r2.code);
    expect(readdirSync(s.out)).toEqual([]);
    expect(readdirSync(s.root).sort()).toEqual(["d2", "dest"]);
    expect(walk(s.p("d2"))).toEqual(["a", "ok.txt"]);
  });

  it("never writes through a link out of the root, existing or made by the archive", () => {
    const s = space();
    writeFileSync(join(s.tmp, "secret"), "SECRET");
    mkdirSync(s.p("dir"));
    symlinkSync(s.out, s.p("dir", "link"));
    const r1 = files(s.root, ["tar-in", s.p("dir")], { input: ustarArchive(ustarEntry("link/evil", "EVIL")) });
    expect([0, 2]).toContain(r1.code);
    const r2 = files(s.root, ["tar-in", s.p("dir")], {
      input: ustarArchive(
        ustarEntry("link2", "", "2", s.out),
        ustarEntry("link2/evil2", "EVIL"),
        ustarEntry("link3", "", "2", "../../out"),
        ustarEntry("link3/evil3", "EVIL"),
        ustarEntry("hard", "", "1", join(s.tmp, "secret")),
        ustarEntry("hard2", "", "1", "../../secret"),
        ustarEntry("ok", "fine"),
      ),
    });
    expect([0, 2]).toContain(r2.code);
    expect(readdirSync(s.out)).toEqual([]);
    expect(text(s.p("dir", "ok"))).toBe("fine");
    for (const h of ["hard", "hard2"]) {
      if (exists(s.p("dir", h))) expect(statSync(s.p("dir", h)).ino).not.toBe(statSync(join(s.tmp, "secret")).ino);
    }
    expect(text(join(s.tmp, "secret"))).toBe("SECRET");
  });

  it("is 90 for a DIR outside the root, non-zero without a crash on garbage", () => {
    const s = space();
    const tar = ustarArchive(ustarEntry("f", "x"));
    expect(files(s.root, ["tar-in", join(s.out, "x")], { input: tar }).code).toBe(90);
    symlinkSync(s.out, s.p("out"));
    expect(files(s.root, ["tar-in", s.p("out", "x")], { input: tar }).code).toBe(90);
    expect(readdirSync(s.out)).toEqual([]);
    for (const junk of [randomBytes(4096), Buffer.from("not a tar at all\n".repeat(100)), randomBytes(700)]) {
      const r = files(s.root, ["tar-in", s.p("g")], { input: junk });
      expect({ signal: r.signal, typeofCode: typeof r.code }).toEqual({ signal: null, typeofCode: "number" });
      expect(r.code).not.toBe(0);
    }
  });
});
