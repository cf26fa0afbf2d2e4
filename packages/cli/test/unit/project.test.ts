import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileExcludes } from "../../src/project/exclude.js";
import { colourDiff, terminalSafe } from "../../src/project/diffText.js";
import { snapshot } from "../../src/project/snapshot.js";
import { applyBundle, checkTarget } from "../../src/project/pull.js";
import { Progress } from "../../src/cp/progress.js";

const env = { PATH: process.env.PATH ?? "", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@x" };
const gitEnv = (dir: string, extra: Record<string, string>, ...args: string[]) => execFileSync("git", args, { cwd: dir, env: { ...env, HOME: dir, ...extra } }).toString().trim();
const git = (dir: string, ...args: string[]) => gitEnv(dir, {}, ...args);
const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "cs-unit-proj-"));
  git(dir, "init", "-q", "-b", "main");
  writeFileSync(join(dir, ".gitignore"), "*.log\n");
  writeFileSync(join(dir, "a.txt"), "a\n");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "one");
  writeFileSync(join(dir, "a.txt"), "a staged\n");
  git(dir, "add", "a.txt");
  writeFileSync(join(dir, "a.txt"), "a unstaged\n");
  writeFileSync(join(dir, "new.txt"), "new\n");
  writeFileSync(join(dir, "x.log"), "ignored\n");
  return dir;
}

describe("--exclude patterns", () => {
  const skip = compileExcludes(["node_modules", "*.log", "build/", "/dist", "docs/**/*.tmp", "# a comment", ""]);
  it.each([
    ["node_modules", true, true],
    ["a/b/node_modules", true, true],
    ["x.log", false, true],
    ["deep/x.log", false, true],
    ["build", true, true],
    ["build", false, false],
    ["dist", true, true],
    ["src/dist", true, false],
    ["docs/a/b/c.tmp", false, true],
    ["docs/c.tmp", false, true],
    ["src/main.ts", false, false],
    ["# a comment", false, false],
  ])("%s (folder: %s) excluded: %s", (rel, isDir, excluded) => {
    expect(skip(rel, isDir)).toBe(excluded);
  });
});

describe("diff text from a space", () => {
  it("shows control characters instead of obeying them, and colours only when asked", () => {
    expect(terminalSafe("a\x1b]0;owned\x07b\tc")).toBe("a^[]0;owned^Gb\tc");
    expect(colourDiff("+x", false)).toBe("+x");
    expect(colourDiff("+x", true)).toBe("\x1b[32m+x\x1b[0m");
    expect(colourDiff("-x", true)).toBe("\x1b[31m-x\x1b[0m");
  });
});

describe("progress", () => {
  it("writes one line when it starts and one when it ends on a pipe", () => {
    let out = "";
    const plain = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    const p = new Progress("↑ x", null, { total: 2048, plain });
    p.add(1024);
    p.add(1024);
    p.done();
    expect(out.split("\n").filter(Boolean)).toHaveLength(2);
    expect(out).toMatch(/^↑ x \(about 2 KiB\)\.\.\.\n↑ x 2 KiB in [\d.]+s, done\n$/);
  });
});

describe("snapshot and pull with real git, beside the user's index", () => {
  it("makes the staged and working states as commits without changing the index, HEAD or the object store", async () => {
    const dir = repo();
    const before = { index: sha(join(dir, ".git", "index")), head: sha(join(dir, ".git", "HEAD")), objects: git(dir, "count-objects") };
    const snap = await snapshot(dir);
    try {
      expect(gitEnv(dir, snap.env, "show", `${snap.index}:a.txt`)).toBe("a staged");
      expect(gitEnv(dir, snap.env, "show", `${snap.worktree}:a.txt`)).toBe("a unstaged");
      expect(gitEnv(dir, snap.env, "show", `${snap.worktree}:new.txt`)).toBe("new");
      expect(gitEnv(dir, snap.env, "ls-tree", "--name-only", snap.worktree)).toBe(".gitignore\na.txt\nnew.txt");
      expect(git(dir, "cat-file", "-t", snap.head)).toBe("commit");
      expect(snap.branch).toBe("main");
      expect(snap.estimate).toBeGreaterThan(0);
      // the snapshot's objects are in its own folder, not the repository's
      expect(() => git(dir, "cat-file", "-e", snap.worktree)).toThrow();
    } finally {
      await snap.dispose();
    }
    expect({ index: sha(join(dir, ".git", "index")), head: sha(join(dir, ".git", "HEAD")), objects: git(dir, "count-objects") }).toEqual(before);
  });

  it("applies a bundle onto a new branch, then refuses a diverged one and a checked-out one", async () => {
    const dir = repo();
    const head = git(dir, "rev-parse", "HEAD");
    const work = mkdtempSync(join(tmpdir(), "cs-unit-work-"));
    git(work, "clone", "-q", dir, ".");
    writeFileSync(join(work, "b.txt"), "b\n");
    git(work, "add", "b.txt");
    git(work, "commit", "-qm", "two");
    const tip = git(work, "rev-parse", "HEAD");
    const bundle = join(work, "w.bundle");
    git(work, "bundle", "create", "-q", bundle, `${head}..HEAD`, "HEAD");
    const header = { version: 2 as const, objectFormat: "sha1" as const, prerequisites: [head], refs: [{ oid: tip, name: "HEAD" }] };
    const index = sha(join(dir, ".git", "index"));
    expect(await applyBundle(dir, bundle, header, "space/w", false)).toMatchObject({ update: "created", commits: 1, uncommitted: false, tip });
    expect(git(dir, "rev-parse", "space/w")).toBe(tip);
    expect(sha(join(dir, ".git", "index"))).toBe(index);
    const other = git(dir, "commit-tree", "-p", head, "-m", "local", `${head}^{tree}`);
    git(dir, "update-ref", "refs/heads/space/w", other);
    await expect(applyBundle(dir, bundle, header, "space/w", false)).rejects.toThrow(/diverged/);
    expect(git(dir, "rev-parse", "space/w")).toBe(other);
    expect(await applyBundle(dir, bundle, header, "space/w", true)).toMatchObject({ update: "forced", previous: other });
    await expect(checkTarget(dir, "main")).rejects.toThrow(/checked out/);
    await expect(checkTarget(dir, "bad..name")).rejects.toThrow(/not a branch name/);
  });
});
