import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { printTable, summarize, timed } from "./stats.js";

const execFileP = promisify(execFile);
const CLI = fileURLToPath(new URL("../../cli/dist/bin/clawdspace.cjs", import.meta.url));
const KB = 1024;

/**
 * A repository of about `historyMb` of history: `files` files rewritten with random
 * (incompressible) bytes, one file per commit, then packed as a clone would have it.
 */
async function makeRepo(historyMb: number, files = 10, blobKb = 256): Promise<{ dir: string; packMb: number; treeMb: number }> {
  const dir = await mkdtemp(join(tmpdir(), "cs-bench-project-"));
  const git = (...args: string[]) => execFileP("git", args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: "B", GIT_AUTHOR_EMAIL: "b@x", GIT_COMMITTER_NAME: "B", GIT_COMMITTER_EMAIL: "b@x" }, maxBuffer: 64 * 1024 * 1024 });
  await git("init", "-q", "-b", "main");
  const commits = Math.ceil((historyMb * KB) / blobKb);
  for (let i = 0; i < commits; i++) {
    await writeFile(join(dir, `data-${i % files}.bin`), randomBytes(blobKb * KB));
    await git("add", "-A");
    await git("commit", "-qm", `commit ${i}`);
  }
  await git("gc", "-q");
  const { stdout } = await git("count-objects", "-v");
  const packMb = Number(/size-pack: (\d+)/.exec(stdout)?.[1] ?? 0) / KB;
  return { dir, packMb, treeMb: (files * blobKb) / KB };
}

/**
 * `clawdspace create NAME --from REPO` against what a user does without it: a plain
 * `clawdspace create NAME` and `clawdspace cp REPO NAME:/` (working tree and .git, so the
 * history is there too). Both through the CLI binary, alternating which goes first.
 */
export async function benchProject(base: string, key: string, prefix: string, iterations: number, historyMb = Number(process.env.BENCH_PROJECT_MB ?? 50)): Promise<void> {
  const repo = await makeRepo(historyMb);
  const env = { PATH: process.env.PATH ?? "", HOME: "/nonexistent", CLAWDSPACE_URL: base, CLAWDSPACE_KEY: key, NO_COLOR: "1" };
  const cli = (...args: string[]) => execFileP(process.execPath, [CLI, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
  const from: number[] = [];
  const plain: number[] = [];
  try {
    for (let i = 0; i < iterations; i++) {
      const steps: Array<() => Promise<void>> = [
        async () => void from.push(await timed(() => cli("create", `${prefix}-f${i}`, "--memory", "512m", "--from", repo.dir, "-q"))),
        async () => void plain.push(await timed(async () => (await cli("create", `${prefix}-p${i}`, "--memory", "512m"), await cli("cp", "-q", repo.dir, `${prefix}-p${i}:/`)))),
      ];
      for (const step of i % 2 ? steps.reverse() : steps) await step();
      await Promise.all([`${prefix}-f${i}`, `${prefix}-p${i}`].map((n) => cli("destroy", "-f", "--volume", n)));
    }
  } finally {
    await rm(repo.dir, { recursive: true, force: true });
  }
  const f = summarize(from);
  printTable("project", [
    {
      case: `create --from, ${repo.packMb.toFixed(1)} MB packed history, ${repo.treeMb.toFixed(1)} MB tree`,
      ours: f,
      baseline: summarize(plain),
      baselineName: "create + cp of the folder (.git included)",
      extra: `${(repo.packMb / (f.median / 1000)).toFixed(1)} MB/s of history`,
    },
  ]);
}
