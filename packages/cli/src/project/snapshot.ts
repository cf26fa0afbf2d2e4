import { copyFile, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { formatBundleHeader, PROJECT_REFS } from "@clawdspace/shared/client";
import { CliError } from "../errors.js";
import { git, gitStream } from "./git.js";

/** A synthetic commit's author, so a repository without user.name still snapshots. */
const IDENTITY = { GIT_AUTHOR_NAME: "Clawdspace", GIT_AUTHOR_EMAIL: "clawdspace@localhost", GIT_COMMITTER_NAME: "Clawdspace", GIT_COMMITTER_EMAIL: "clawdspace@localhost" };

export interface Snapshot {
  top: string;
  branch: string | null;
  head: string;
  /** Commit (parent HEAD) whose tree is the index as staged. */
  index: string;
  /** Commit (parent `index`) whose tree is the working tree, untracked files included, ignored ones not. */
  worktree: string;
  objectFormat: "sha1" | "sha256";
  /** The environment that sees the snapshot's objects (a temporary folder borrowing the repository's). */
  env: Record<string, string>;
  /** Bytes on disk of the objects the bundle will carry (for the progress bar). */
  estimate: number;
  /** The bundle: header, then the pack of everything the three commits reach. */
  stream(): { chunks: AsyncIterable<Buffer>; done: Promise<void> };
  dispose(): Promise<void>;
}

/**
 * The working tree's state as commits, made in a temporary index (a copy of the real one) and a
 * temporary object folder that borrows the repository's objects: the user's index, working tree,
 * HEAD, refs and object store are only read.
 */
export async function snapshot(top: string): Promise<Snapshot> {
  const run = (args: string[], env?: Record<string, string>) => git(args, { cwd: top, env }).then((r) => r.stdout);
  const head = await git(["rev-parse", "-q", "--verify", "HEAD^{commit}"], { cwd: top, okCodes: [1, 128] });
  if (head.code !== 0) throw new CliError(`${top} has no commits yet: commit once, then create the space`, "NO_COMMITS");
  if ((await run(["rev-parse", "--is-shallow-repository"])) === "true") throw new CliError(`${top} is a shallow clone: fetch its whole history first (git fetch --unshallow)`, "SHALLOW_REPOSITORY");
  const branch = (await git(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: top, okCodes: [1] })).stdout || null;
  const objectFormat = (await run(["rev-parse", "--show-object-format"])) === "sha256" ? "sha256" : "sha1";
  const abs = (p: string) => (isAbsolute(p) ? p : join(top, p));
  const objects = abs(await run(["rev-parse", "--git-path", "objects"]));
  const realIndex = abs(await run(["rev-parse", "--git-path", "index"]));
  const tmp = await mkdtemp(join(tmpdir(), "clawdspace-snapshot-"));
  const dispose = () => rm(tmp, { recursive: true, force: true });
  try {
    await mkdir(join(tmp, "objects"));
    const env = { ...IDENTITY, GIT_INDEX_FILE: join(tmp, "index"), GIT_OBJECT_DIRECTORY: join(tmp, "objects"), GIT_ALTERNATE_OBJECT_DIRECTORIES: objects };
    if (await stat(realIndex).then(() => true, () => false)) await copyFile(realIndex, join(tmp, "index"));
    else await run(["read-tree", "HEAD"], env);
    const staged = await git(["write-tree"], { cwd: top, env }).catch(() => {
      throw new CliError("the index has unmerged paths: finish or abort the merge first", "UNMERGED");
    });
    const index = await run(["commit-tree", staged.stdout, "-p", head.stdout, "-m", "staged"], env);
    await run(["add", "-A", "--", "."], env);
    const worktree = await run(["commit-tree", await run(["write-tree"], env), "-p", index, "-m", "working tree"], env);
    const estimate = Number(await run(["rev-list", "--objects", "--disk-usage", worktree], env)) || 0;
    const header = formatBundleHeader({
      objectFormat,
      prerequisites: [],
      refs: [
        { oid: head.stdout, name: PROJECT_REFS.base },
        { oid: index, name: PROJECT_REFS.index },
        { oid: worktree, name: PROJECT_REFS.worktree },
      ],
    });
    const stream = () => {
      const pack = gitStream(["pack-objects", "--stdout", "--revs", "-q", "--delta-base-offset"], { cwd: top, env, input: `${worktree}\n` });
      const chunks = (async function* () {
        yield Buffer.from(header);
        for await (const c of pack.stdout) yield c as Buffer;
        await pack.done;
      })();
      return { chunks, done: pack.done };
    };
    return { top, branch, head: head.stdout, index, worktree, objectFormat, env, estimate, stream, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}
