import type { CreateSpaceRequest } from "@clawdspace/shared/client";
import type { Context } from "../context.js";
import { formatBytes, paint, printJson } from "../output.js";
import { parseEnvPairs } from "./envPairs.js";

interface CreateOpts {
  memory?: string;
  cpus?: string;
  template?: string;
  image?: string;
  env?: string[];
  gpu?: boolean;
}

export async function run(ctx: Context, [name]: string[], opts: CreateOpts): Promise<void> {
  const req: CreateSpaceRequest = { name: name! };
  if (opts.memory !== undefined) req.memory = opts.memory;
  // Sent as given: the server's schema accepts numeric strings and says clearly what is wrong with others.
  if (opts.cpus !== undefined) req.cpus = opts.cpus;
  if (opts.template !== undefined) req.template = opts.template;
  if (opts.image !== undefined) req.image = opts.image;
  if (opts.env?.length) req.env = parseEnvPairs(opts.env);
  if (opts.gpu) req.gpu = true;
  const tty = !ctx.json && ctx.err.isTTY;
  if (tty) ctx.err.write(paint.dim(ctx.colourErr)(`creating ${name}...`));
  let space;
  try {
    space = await ctx.client.createSpace(req);
  } finally {
    if (tty) ctx.err.write("\r\x1b[K");
  }
  if (ctx.json) return printJson({ space });
  ctx.out.write(
    `created ${paint.bold(ctx.colour)(space.name)}: ${space.state ?? space.status}, ${formatBytes(space.memory)}, ${space.cpus} cpu${space.cpus === 1 ? "" : "s"}, ${space.image}${space.template ? `, template ${space.template}` : ""}\n`,
  );
}
