import type { Context } from "../context.js";
import { formatBytes, printJson, relativeTime, stateColour, table } from "../output.js";

export async function run(ctx: Context, _args: string[], opts: { quiet?: boolean }): Promise<void> {
  const spaces = await ctx.client.listSpaces();
  if (ctx.json) return printJson({ spaces });
  if (opts.quiet) {
    ctx.out.write(spaces.map((s) => `${s.name}\n`).join(""));
    return;
  }
  if (spaces.length === 0) {
    ctx.err.write("no spaces yet; create one with: clawdspace create <name>\n");
    return;
  }
  // The node column appears once spaces live on more than one node.
  const nodes = new Set(spaces.map((s) => s.node).filter(Boolean)).size > 1;
  const rows = spaces.map((s) => [
    s.name,
    ...(nodes ? [s.node ?? "-"] : []),
    stateColour(s.state ?? s.status, ctx.colour),
    String(s.cpus),
    formatBytes(s.memory),
    s.template ?? "-",
    relativeTime(s.lastActivity ?? s.activity?.lastAt),
    s.sleepsAt ? relativeTime(s.sleepsAt) : s.sleepBlockedBy?.length ? s.sleepBlockedBy.join(",") : "-",
  ]);
  ctx.out.write(table(["NAME", ...(nodes ? ["NODE"] : []), "STATE", "CPUS", "MEMORY", "TEMPLATE", "ACTIVE", "SLEEPS"], rows, ctx.colour));
}
