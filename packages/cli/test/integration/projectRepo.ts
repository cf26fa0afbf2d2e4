import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

/** git in a test repository, with an identity of its own and nothing from the developer's config. */
export function gitIn(dir: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: dir, GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@example.test", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@example.test" },
  }).trimEnd();
}

export const write = (dir: string, path: string, content: string) => {
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(join(dir, path), content);
};

/**
 * A repository with history and every kind of working-tree state: a staged change, an unstaged
 * change on top of another file, an untracked file, and an ignored one that must not travel.
 */
export function makeRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "cs-project-"));
  gitIn(dir, "init", "-q", "-b", "main");
  write(dir, ".gitignore", "*.log\nbuild/\n");
  write(dir, "README.md", "# demo\n");
  write(dir, "src/app.js", "console.log(1);\n");
  gitIn(dir, "add", "-A");
  gitIn(dir, "commit", "-qm", "first");
  write(dir, "src/app.js", "console.log(2);\n");
  write(dir, "src/lib.js", "export const x = 1;\n");
  gitIn(dir, "add", "-A");
  gitIn(dir, "commit", "-qm", "second");
  write(dir, "src/lib.js", "export const x = 2; // staged\n");
  gitIn(dir, "add", "src/lib.js");
  write(dir, "README.md", "# demo\nunstaged line\n");
  write(dir, "notes.txt", "untracked\n");
  write(dir, "debug.log", "ignored\n");
  write(dir, "build/out.bin", "ignored too\n");
  return dir;
}

/** A hash of what pull and create must never change: HEAD, the index file, and every working-tree file. */
export function fingerprint(dir: string): string {
  const h = createHash("sha256");
  h.update(readFileSync(join(dir, ".git", "HEAD")));
  h.update(readFileSync(join(dir, ".git", "index")));
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (relative(dir, p) === ".git") continue;
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else h.update(`${relative(dir, p)}\0${st.mode}\0${st.mtimeMs}\0`).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest("hex");
}
