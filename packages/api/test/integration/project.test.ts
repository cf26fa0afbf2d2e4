import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestServer } from "./fixture.js";
import { engineAvailable } from "./support.js";

const git = (dir: string, args: string[], input?: Buffer | string) =>
  execFileSync("git", args, {
    cwd: dir,
    input,
    env: { PATH: process.env.PATH ?? "", HOME: dir, GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "T", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "T", GIT_COMMITTER_EMAIL: "t@x" },
  })
    .toString()
    .trim();

/** A repository with one commit, and its bundle as `git bundle create` writes it. */
function repoBundle(): { dir: string; head: string; bundle: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "cs-proj-api-"));
  git(dir, ["init", "-q", "-b", "main"]);
  writeFileSync(join(dir, "a.txt"), "a\n");
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-qm", "one"]);
  git(dir, ["bundle", "create", "-q", "b.bundle", "HEAD"]);
  return { dir, head: git(dir, ["rev-parse", "HEAD"]), bundle: readFileSync(join(dir, "b.bundle")) };
}

/** A commit whose tree holds an entry named `name` (git's own tools refuse to make one), bundled. */
function evilBundle(dir: string, name: string): Buffer {
  const blob = git(dir, ["hash-object", "-w", "--stdin"], "owned\n");
  const tree = git(dir, ["hash-object", "-w", "-t", "tree", "--literally", "--stdin"], Buffer.concat([Buffer.from(`100644 ${name}\0`), Buffer.from(blob, "hex")]));
  const commit = git(dir, ["commit-tree", tree, "-m", "evil"]);
  git(dir, ["update-ref", "refs/heads/evil", commit]);
  git(dir, ["bundle", "create", "-q", "evil.bundle", "refs/heads/evil"]);
  return readFileSync(join(dir, "evil.bundle"));
}

const MAX = 2 * 1024 * 1024;

/** A valid bundle over MAX: one incompressible blob. */
function bigBundle(dir: string): Buffer {
  writeFileSync(join(dir, "big.bin"), randomBytes(MAX + 512 * 1024));
  git(dir, ["add", "big.bin"]);
  git(dir, ["commit", "-qm", "big"]);
  git(dir, ["bundle", "create", "-q", "big.bundle", "HEAD"]);
  return readFileSync(join(dir, "big.bundle"));
}

describe.skipIf(!engineAvailable)("the project routes on the real engine", () => {
  const s = useTestServer({ env: { FILE_MAX_BYTES: String(MAX) } });
  let name: string;
  const put = (body: Buffer | string, type = "application/x-git-bundle", q = "") =>
    s.fetch(`/api/spaces/${name}/project${q}`, { method: "PUT", headers: { "content-type": type }, body });
  // chunked: the limit is found by counting, not by Content-Length
  const streamed = (bytes: Buffer) =>
    s.fetch(`/api/spaces/${name}/project`, {
      method: "PUT",
      headers: { "content-type": "application/x-git-bundle" },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < bytes.length; i += 65536) c.enqueue(bytes.subarray(i, i + 65536));
          c.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
  const sh = async (command: string) => (await s.client.exec(name, { command })).stdout;

  beforeAll(async () => {
    name = s.spaceName("proj");
    await s.client.createSpace({ name, memory: "256m" });
  });

  it("refuses bad input with a 4xx JSON answer and leaves the workspace empty", async () => {
    const { dir, bundle } = repoBundle();
    const headerEnd = bundle.indexOf("\n\n") + 2;
    const header = bundle.subarray(0, headerEnd).toString();
    const cases: Array<[string, Promise<Response>, number]> = [
      ["not a bundle", put("hello world\n\n"), 400],
      ["a bundle header over garbage", put(Buffer.concat([bundle.subarray(0, headerEnd), randomBytes(4096)])), 400],
      ["prerequisites", put(header.replace("\n", `\n-${"a".repeat(40)}\n`)), 400],
      ["a commit not in the pack", put(Buffer.concat([Buffer.from(header.replace("\n\n", `\n${"b".repeat(40)} refs/clawdspace/worktree\n\n`)), bundle.subarray(headerEnd)])), 400],
      ["a branch that climbs", put(bundle, "application/x-git-bundle", "?branch=../../etc"), 400],
      ["an unknown query field", put(bundle, "application/x-git-bundle", "?path=/etc"), 400],
      ["a tree entry ..", put(evilBundle(dir, "..")), 400],
      ["a tree entry .git", put(evilBundle(dir, ".git")), 400],
      ["another media type", put(bundle, "text/plain"), 415],
      ["too large", put(Buffer.concat([bundle.subarray(0, headerEnd), randomBytes(MAX + 1024)])), 413],
      ["too large, streamed without a length", streamed(bigBundle(dir)), 413],
    ];
    for (const [what, answer, status] of cases) {
      const res = await answer;
      const body = (await res.json()) as { error: string; code: string };
      expect({ what, status: res.status, code: typeof body.code, error: typeof body.error }).toEqual({ what, status, code: "string", error: "string" });
    }
    expect(await sh("ls -A /workspace | grep -v '^.clawdspace$' || true")).toBe("");
    expect(await sh("test -e /etc/owned && echo planted || echo clean")).toBe("clean\n");
  });

  it("takes a bundle as git writes it, then refuses a second import; diff and bundle need a project", async () => {
    const other = s.spaceName("noproj");
    await s.client.createSpace({ name: other, memory: "256m" });
    const missing = await s.fetch(`/api/spaces/${other}/project/diff`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe("NOT_FOUND");
    expect((await s.fetch(`/api/spaces/${other}/project/bundle`)).status).toBe(404);

    const { head, bundle } = repoBundle();
    const res = await put(bundle, "application/x-git-bundle", "?branch=review/one");
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { project: { kind: string; branch: string; base: string } };
    expect(answer.project).toMatchObject({ kind: "git", branch: "review/one", base: head });
    expect(await sh("cd /workspace && git rev-parse --abbrev-ref HEAD && git status --porcelain && cat a.txt && stat -c %u .git a.txt")).toBe("review/one\na\n1001\n1001\n");
    const again = await put(bundle);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe("PROJECT_CONFLICT");
    const diff = await s.fetch(`/api/spaces/${name}/project/diff`);
    expect(await diff.text()).toBe("# no uncommitted work\n");
    const events = await s.client.audit({ space: name, type: "space.project.import" });
    expect(events.events).toHaveLength(1);
  });
});
