import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useCliServer } from "./fixture.js";
import { engineAvailable, spaceName } from "./support.js";
import { fingerprint, gitIn, makeRepo, write } from "./projectRepo.js";

describe.skipIf(!engineAvailable)("create --from, diff and pull against a real server", () => {
  const f = useCliServer("proj", { create: ["--memory", "256m"] });
  const made: string[] = [];
  const fresh = (tag: string) => {
    const n = spaceName(tag);
    made.push(n);
    return n;
  };
  const sh = async (space: string, script: string) => {
    const r = await f.cli(["exec", space, script]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return r.stdout;
  };

  it("a repository's history and working state come in on space/NAME, and the work goes back as a branch, the user's tree untouched", async () => {
    const repo = makeRepo();
    const head = gitIn(repo, "rev-parse", "HEAD");
    const before = fingerprint(repo);
    const name = fresh("git");
    const made = await f.cli(["create", name, "--memory", "256m", "--from", repo]);
    expect(made.stderr).toContain("done");
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`on branch space/${name}`);
    expect(fingerprint(repo)).toBe(before);

    // The space: the branch at the user's HEAD with its history, the staged change in the index,
    // the unstaged change and the untracked file in the working tree only, the ignored files absent.
    const state = await sh(name, "cd /workspace && git rev-parse --abbrev-ref HEAD && git rev-parse HEAD refs/clawdspace/base && git log --format=%s && git status --porcelain && stat -c %u src/lib.js && ls");
    expect(state).toContain(`space/${name}\n${head}\n${head}\nsecond\nfirst\n`);
    expect(state).toContain("M  src/lib.js\n");
    expect(state).toContain(" M README.md\n");
    expect(state).toContain("?? notes.txt\n");
    expect(state).not.toContain("debug.log");
    expect(state).not.toContain("build");
    expect(state).toContain("1001\n");
    expect(await sh(name, "cd /workspace && git show :src/lib.js && cat README.md")).toBe("export const x = 2; // staged\n# demo\nunstaged line\n");

    // Work in the space: one commit, then uncommitted edits and a new file.
    await sh(name, "cd /workspace && git -c user.name=S -c user.email=s@x commit -qam 'space work' && echo more >> src/app.js && echo new > added.txt");
    const diff = await f.cli(["diff", name]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("space work");
    expect(diff.stdout).toContain("+unstaged line");
    expect(diff.stdout).toContain("# uncommitted work");
    expect(diff.stdout).toContain("+more");
    expect(diff.stdout).toContain("+new");
    const stat = await f.cli(["diff", name, "--stat"]);
    expect(stat.stdout).toContain("added.txt");
    expect(stat.stdout).not.toContain("+more");

    const pulled = await f.cli(["pull", name, "--repo", repo]);
    expect(pulled).toMatchObject({ code: 0, stderr: expect.stringContaining("done") });
    expect(pulled.stdout).toContain(`space/${name}: 1 commit and the uncommitted work as one more`);
    expect(fingerprint(repo)).toBe(before);
    expect(gitIn(repo, "rev-parse", "HEAD")).toBe(head);
    expect(gitIn(repo, "log", "--format=%s", `${head}..space/${name}`)).toBe(`Uncommitted work in space ${name}\nspace work`);
    expect(gitIn(repo, "show", `space/${name}:src/app.js`)).toBe("console.log(2);\nmore");
    expect(gitIn(repo, "show", `space/${name}:added.txt`)).toBe("new");
    expect(gitIn(repo, "show", `space/${name}:src/lib.js`)).toBe("export const x = 2; // staged");
    // The space's own index and worktree are as they were: the snapshot was made beside them.
    expect(await sh(name, "cd /workspace && git status --porcelain")).toBe(" M src/app.js\n?? added.txt\n?? notes.txt\n");

    // More work in the space is a fast-forward; a branch moved locally has diverged.
    await sh(name, "cd /workspace && git add -A && git -c user.name=S -c user.email=s@x commit -qm 'second space commit'");
    const ff = await f.cli(["pull", name, "--repo", repo]);
    expect(ff.stdout).toContain("fast-forward");
    const local = gitIn(repo, "commit-tree", "-m", "local", "-p", head, `${head}^{tree}`);
    gitIn(repo, "update-ref", `refs/heads/space/${name}`, local);
    const refused = await f.cli(["pull", name, "--repo", repo]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("diverged");
    expect(gitIn(repo, "rev-parse", `space/${name}`)).toBe(local);
    const forced = await f.cli(["pull", name, "--repo", repo, "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("forced");
    expect(gitIn(repo, "log", "-1", "--format=%s", `space/${name}`)).toBe("second space commit");

    // Never the checked-out branch.
    const onMain = await f.cli(["pull", name, "--repo", repo, "--branch", "main"]);
    expect(onMain.code).toBe(1);
    expect(onMain.stderr).toContain("checked out");
    expect(gitIn(repo, "rev-parse", "main")).toBe(head);
    expect(fingerprint(repo)).toBe(before);

    const audit = await f.cli(["audit", "--space", name, "--type", "space.project.import", "--json"]);
    expect(audit.stdout).toContain('"kind":"git"');
  });

  it("three spaces from one repository come back as three branches", async () => {
    const repo = makeRepo();
    const names = [fresh("a"), fresh("b"), fresh("c")];
    for (const n of names) expect(await f.cli(["create", n, "--memory", "256m", "--from", repo, "-q"])).toMatchObject({ code: 0 });
    await Promise.all(names.map((n, i) => sh(n, `cd /workspace && echo ${i} > only-${i}.txt`)));
    for (const n of names) expect(await f.cli(["pull", n, "--repo", repo, "-q"])).toMatchObject({ code: 0 });
    names.forEach((n, i) => {
      expect(gitIn(repo, "show", `space/${n}:only-${i}.txt`)).toBe(String(i));
      expect(() => gitIn(repo, "show", `space/${n}:only-${(i + 1) % 3}.txt`)).toThrow();
    });
    expect(gitIn(repo, "branch", "--list", "space/*").split("\n")).toHaveLength(3);
  });

  it("a plain folder is copied without what --exclude names", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cs-folder-"));
    write(dir, "keep/a.txt", "a\n");
    write(dir, "keep/b.log", "log\n");
    write(dir, "node_modules/x/index.js", "x\n");
    write(dir, "top.txt", "top\n");
    mkdirSync(join(dir, "empty"));
    const name = fresh("dir");
    const r = await f.cli(["create", name, "--memory", "256m", "--from", dir, "--exclude", "node_modules", "--exclude", "*.log"]);
    expect(r).toMatchObject({ code: 0 });
    const ls = await sh(name, "cd /workspace && find . -path ./.clawdspace -prune -o -print | sort && stat -c %u top.txt");
    expect(ls).toBe(".\n./empty\n./keep\n./keep/a.txt\n./top.txt\n1001\n");
    expect((await f.cli(["diff", name])).code).toBe(66);
  });

  it("a repository without commits and --exclude in a repository are refused before any space is made", async () => {
    const empty = mkdtempSync(join(tmpdir(), "cs-empty-"));
    gitIn(empty, "init", "-q");
    writeFileSync(join(empty, "a"), "a");
    const name = fresh("none");
    const r = await f.cli(["create", name, "--from", empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no commits");
    const ex = await f.cli(["create", name, "--from", makeRepo(), "--exclude", "x"]);
    expect(ex.code).toBe(64);
    expect((await f.cli(["status", name])).code).toBe(66);
    expect(existsSync(join(empty, ".git", "index"))).toBe(false);
  });

  afterAll(async () => {
    for (const n of made) await f.cli(["destroy", "-f", "--volume", n]).catch(() => undefined);
  });
});
