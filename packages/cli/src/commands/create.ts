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
  from?: string | true;
  exclude?: string[];
  quiet?: boolean;
  node?: string;
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
  if (opts.node !== undefined) req.node = opts.node;
  const tty = !ctx.json && ctx.err.isTTY;
  const create = async () => {
    if (tty) ctx.err.write(paint.dim(ctx.colourErr)(`creating ${name}...`));
    try {
      return await ctx.client.createSpace(req);
    } finally {
      if (tty) ctx.err.write("\r\x1b[K");
    }
  };
  if (opts.from !== undefined) {
    const { createFrom } = await import("../project/importProject.js");
    const from = { dir: opts.from === true ? "." : opts.from, exclude: opts.exclude ?? [], quiet: opts.quiet };
    const { space, project } = await createFrom(ctx, create, name!, from);
    if (ctx.json) return printJson({ space, project: project.project });
    const p = project.project;
    const what = p.kind === "git" ? `${p.base.slice(0, 12)} on branch ${p.branch}, with the staged and working state` : `${p.entries} entries`;
    ctx.out.write(`created ${paint.bold(ctx.colour)(space.name)} from ${from.dir}: ${what}\n`);
    return;
  }
  const space = await create();
  if (ctx.json) return printJson({ space });
  ctx.out.write(
    `created ${paint.bold(ctx.colour)(space.name)}: ${space.state ?? space.status}, ${formatBytes(space.memory)}, ${space.cpus} cpu${space.cpus === 1 ? "" : "s"}, ${space.image}${space.template ? `, template ${space.template}` : ""}${space.node ? `, on node ${space.node}` : ""}\n`,
  );
}
