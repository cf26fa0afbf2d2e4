import { resolve } from "node:path";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { printJson } from "../output.js";
import { progressOn } from "../cp/progress.js";
import { repoTop } from "../project/git.js";
import { applyBundle, checkTarget, saveBundle } from "../project/pull.js";

interface PullOpts {
  branch?: string;
  force?: boolean;
  repo?: string;
  quiet?: boolean;
}

/** `clawdspace pull NAME`: the space's commits, and its uncommitted work as one more, onto branch space/NAME. */
export async function run(ctx: Context, [name]: string[], opts: PullOpts): Promise<void> {
  const top = await repoTop(resolve(opts.repo ?? "."));
  if (!top) throw usageError(`${resolve(opts.repo ?? ".")} is not in a git repository: run pull inside the repository the space was made from`);
  const branch = opts.branch ?? `space/${name}`;
  await checkTarget(top, branch);
  const progress = progressOn(ctx.err, `↓ ${name}`, { quiet: opts.quiet || ctx.json });
  const saved = await saveBundle(await ctx.client.project.bundle(name!), (n) => progress.add(n)).catch((e: unknown) => {
    progress.abort();
    throw e;
  });
  progress.done();
  try {
    const r = await applyBundle(top, saved.file, saved.header, branch, Boolean(opts.force));
    if (ctx.json) return printJson(r);
    const work = `${r.commits} commit${r.commits === 1 ? "" : "s"}${r.uncommitted ? " and the uncommitted work as one more" : ""}`;
    const how = { created: "new branch", "fast-forward": `fast-forward from ${r.previous?.slice(0, 12)}`, "snapshot-replaced": `fast-forward, replacing the earlier commit of uncommitted work ${r.previous?.slice(0, 12)}`, forced: `forced, was ${r.previous?.slice(0, 12)}`, unchanged: "already there" }[r.update];
    ctx.out.write(`${r.branch}: ${work}, at ${r.tip.slice(0, 12)} (${how})\n`);
  } finally {
    await saved.dispose();
  }
}
