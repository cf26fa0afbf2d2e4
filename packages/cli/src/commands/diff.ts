import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Context } from "../context.js";
import { colourDiff, terminalSafe } from "../project/diffText.js";

/** `clawdspace diff NAME`: the space's commits since its base, then its uncommitted work. */
export async function run(ctx: Context, [name]: string[], opts: { stat?: boolean }): Promise<void> {
  const body = Readable.fromWeb((await ctx.client.project.diff(name!, { stat: opts.stat })) as WebReadableStream);
  // The text comes from inside the space: at a terminal, its control characters are shown, not obeyed.
  const tty = Boolean(ctx.out.isTTY);
  let partial = "";
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (!tty) {
      if (!ctx.out.write(chunk)) await new Promise((r) => ctx.out.once("drain", r));
      continue;
    }
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    ctx.out.write(lines.map((l) => colourDiff(terminalSafe(l), ctx.colour)).join("\n") + (lines.length ? "\n" : ""));
  }
  if (partial) ctx.out.write(`${colourDiff(terminalSafe(partial), ctx.colour)}\n`);
}
