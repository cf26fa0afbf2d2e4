import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { parseDuration, printJson, relativeTime } from "../output.js";

export async function run(ctx: Context, [name]: string[], opts: { for: string; release?: boolean }): Promise<void> {
  const ttlMs = opts.release ? 0 : parseDuration(opts.for);
  if (ttlMs === null) throw usageError(`--for "${opts.for}" is not a duration such as 30m, 1h or 2d`);
  const answer = await ctx.client.keepalive(name!, ttlMs);
  if (ctx.json) return printJson(answer);
  if (!answer.until) ctx.out.write(`${name} may sleep again when idle\n`);
  else ctx.out.write(`${name} stays awake until ${answer.until} (${relativeTime(answer.until)})${answer.wake ? `; woke it (${answer.wake})` : ""}\n`);
}
