import type { Command } from "commander";
import type { Context } from "../context.js";
import { printJson } from "../output.js";

/** stop (pause) and start (resume); the command's own name says which. */
export async function run(ctx: Context, [name]: string[], _opts: unknown, cmd: Command): Promise<void> {
  const answer = cmd.name() === "stop" ? await ctx.client.pauseSpace(name!) : await ctx.client.startSpace(name!);
  if (ctx.json) return printJson(answer);
  ctx.out.write(`${answer.message}${answer.wake ? ` (${answer.wake} wake)` : ""}\n`);
}
