import type { Context } from "../context.js";
import { formatBytes, printJson, stateColour, table } from "../output.js";

export async function run(ctx: Context): Promise<void> {
  const answer = await ctx.client.nodes();
  if (ctx.json) return printJson(answer);
  const rows = answer.nodes.map((n) => [
    n.name,
    stateColour(n.status, ctx.colour),
    n.latencyMs === null || n.latencyMs === undefined ? "-" : `${n.latencyMs} ms`,
    n.capabilities ? `${n.capabilities.cpus} cpus, ${formatBytes(n.capabilities.memory)}${n.capabilities.gpu ? ", gpu" : ""}` : "-",
    n.url,
  ]);
  ctx.out.write(table(["NAME", "STATUS", "LATENCY", "CAPACITY", "URL"], rows, ctx.colour));
}
