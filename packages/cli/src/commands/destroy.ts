import { createInterface } from "node:readline/promises";
import type { Context } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { printJson } from "../output.js";

export async function run(ctx: Context, [name]: string[], opts: { force?: boolean; volume?: boolean }): Promise<void> {
  if (!opts.force) {
    if (!process.stdin.isTTY) throw usageError(`refusing to destroy "${name}" without -f when nobody can answer the question (stdin is not a terminal)`);
    // Fail early on a typo instead of asking about a space that is not there.
    await ctx.client.getSpace(name!);
    const what = opts.volume ? `space "${name}" AND its /workspace volume (all files in it)` : `space "${name}" (its volume is kept)`;
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Destroy ${what}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("not destroyed", "CANCELLED", 1);
  }
  const answer = await ctx.client.deleteSpace(name!, { removeVolume: Boolean(opts.volume) });
  if (ctx.json) return printJson(answer);
  ctx.out.write(`${answer.message}\n`);
}
