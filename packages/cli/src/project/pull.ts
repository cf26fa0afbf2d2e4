import { createWriteStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { bundleRef, headerEnd, MAX_BUNDLE_HEADER_BYTES, parseBundleHeader, PROJECT_REFS, type BundleHeader } from "@clawdspace/shared/client";
import { CliError, usageError } from "../errors.js";
import { git } from "./git.js";

export interface PullResult {
  branch: string;
  tip: string;
  base: string | null;
  commits: number;
  uncommitted: boolean;
  previous: string | null;
  update: "created" | "fast-forward" | "snapshot-replaced" | "forced" | "unchanged";
}

/**
 * An earlier pull's commit of uncommitted work is ours, not the user's: when the space has since
 * committed on from that commit's parent, replacing it is no divergence.
 */
async function replacesSnapshot(top: string, previous: string, tip: string): Promise<boolean> {
  const info = (await git(["log", "-1", "--format=%ae%n%s%n%P", previous], { cwd: top })).stdout.split("\n");
  const [email, subject, parents] = info;
  if (email !== "clawdspace@localhost" || !subject?.startsWith("Uncommitted work in space ") || !parents || parents.includes(" ")) return false;
  return (await git(["merge-base", "--is-ancestor", parents, tip], { cwd: top, okCodes: [1] })).code === 0;
}

/** Refuses a branch name git would refuse, and a branch checked out here or in another worktree. */
export async function checkTarget(top: string, branch: string): Promise<void> {
  const ok = await git(["check-ref-format", "--branch", branch], { cwd: top, okCodes: [1, 128] });
  if (ok.code !== 0) throw usageError(`"${branch}" is not a branch name git accepts`);
  const worktrees = (await git(["worktree", "list", "--porcelain"], { cwd: top })).stdout.split("\n");
  if (worktrees.includes(`branch refs/heads/${branch}`)) {
    throw new CliError(`${branch} is checked out; pull never changes a checked-out branch: switch away, or pass --branch OTHER`, "BRANCH_CHECKED_OUT");
  }
}

/** Saves the answer to a temporary file (git reads bundles from files) and reads its header. */
export async function saveBundle(body: ReadableStream<Uint8Array>, onBytes: (n: number) => void): Promise<{ file: string; header: BundleHeader; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "clawdspace-pull-"));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const file = join(dir, "space.bundle");
    const src = Readable.fromWeb(body as WebReadableStream);
    src.on("data", (c: Buffer) => onBytes(c.length));
    await pipeline(src, createWriteStream(file));
    const fh = await open(file, "r");
    const head = Buffer.alloc(MAX_BUNDLE_HEADER_BYTES);
    const { bytesRead } = await fh.read(head, 0, head.length, 0).finally(() => fh.close());
    const end = headerEnd(head.subarray(0, bytesRead));
    if (end < 0) throw new CliError("the server's answer is not a git bundle", "BAD_BUNDLE");
    return { file, header: parseBundleHeader(head.subarray(0, end).toString("utf8")), dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/**
 * The space's work onto `branch`: objects fetched (checked with fsck) without touching any ref,
 * the branch then moved by one update-ref with the old value as a guard. The current branch,
 * index and working tree are never read or written.
 */
export async function applyBundle(top: string, file: string, header: BundleHeader, branch: string, force: boolean): Promise<PullResult> {
  const tip = bundleRef(header, PROJECT_REFS.base);
  if (!tip) throw new CliError("the space's bundle names no HEAD", "BAD_BUNDLE");
  const head = bundleRef(header, PROJECT_REFS.head) ?? tip;
  const base = header.prerequisites[0] ?? null;
  for (const p of header.prerequisites) {
    const has = await git(["cat-file", "-e", `${p}^{commit}`], { cwd: top, okCodes: [1, 128] });
    if (has.code !== 0) throw new CliError(`this repository lacks the space's base commit ${p.slice(0, 12)}: pull in the repository the space was made from`, "BASE_MISSING");
  }
  await git(["-c", "fetch.fsckObjects=true", "fetch", "--quiet", "--no-write-fetch-head", "--no-auto-gc", file, PROJECT_REFS.base], { cwd: top });
  const ref = `refs/heads/${branch}`;
  const prev = await git(["rev-parse", "-q", "--verify", ref], { cwd: top, okCodes: [1] });
  const previous = prev.code === 0 ? prev.stdout : null;
  let update: PullResult["update"] = previous === null ? "created" : previous === tip ? "unchanged" : "fast-forward";
  if (update === "fast-forward") {
    const ff = await git(["merge-base", "--is-ancestor", previous!, tip], { cwd: top, okCodes: [1] });
    if (ff.code !== 0 && (await replacesSnapshot(top, previous!, tip))) update = "snapshot-replaced";
    else if (ff.code !== 0) {
      if (!force) throw new CliError(`${branch} has diverged from the space's work (it is not an ancestor of ${tip.slice(0, 12)}); --force moves it anyway, --branch OTHER pulls beside it`, "DIVERGED");
      update = "forced";
    }
  }
  const zero = "0".repeat(tip.length);
  if (update !== "unchanged") await git(["update-ref", "-m", "clawdspace pull", ref, tip, previous ?? zero], { cwd: top });
  const commits = base ? Number((await git(["rev-list", "--count", `${base}..${head}`], { cwd: top })).stdout) : 0;
  return { branch, tip, base, commits, uncommitted: tip !== head, previous, update };
}
