import type { Context } from "../context.js";
import { formatBytes, printJson, relativeTime, stateColour, table } from "../output.js";

export async function run(ctx: Context): Promise<void> {
  const answer = await ctx.client.nodes();
  if (ctx.json) return printJson(answer);
  const rows = answer.nodes.map((n) => [
    n.self ? `${n.name} *` : n.name,
    stateColour(n.status, ctx.colour) + (n.status === "offline" && n.since ? ` since ${relativeTime(n.since)}` : ""),
    n.latencyMs === null || n.latencyMs === undefined ? "-" : `${n.latencyMs} ms`,
    n.capabilities ? `${n.capabilities.cpus} cpus, ${formatBytes(n.capabilities.memory)}${n.capabilities.gpu ? ", gpu" : ""}` : "-",
    n.spaces === undefined ? "-" : String(n.spaces),
    n.url,
  ]);
  ctx.out.write(table(["NAME", "STATUS", "LATENCY", "CAPACITY", "SPACES", "URL"], rows, ctx.colour));
  const down = answer.nodes.filter((n) => n.status === "offline" && n.error);
  for (const n of down) ctx.err.write(`${n.name}: ${n.error}\n`);
}
