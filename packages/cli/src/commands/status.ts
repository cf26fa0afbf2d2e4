import type { Context } from "../context.js";
import { formatBytes, paint, printJson, relativeTime, stateColour } from "../output.js";

export async function run(ctx: Context, [name]: string[]): Promise<void> {
  const space = await ctx.client.getSpace(name!);
  // Live usage only for a running space: asking a paused one would wake nothing but costs a round trip.
  const stats = space.status === "running" ? await ctx.client.stats(name!).catch(() => null) : null;
  if (ctx.json) return printJson({ space, stats });
  const b = paint.bold(ctx.colour);
  const rows: Array<[string, string]> = [
    ["Name", b(space.name)],
    ["State", stateColour(space.state ?? space.status, ctx.colour) + (space.state && space.state !== space.status ? ` (docker: ${space.status})` : "")],
    ["Id", space.id],
    ["Image", space.image],
    ["Template", space.template ?? "-"],
    ["Memory", formatBytes(space.memory)],
    ["CPUs", String(space.cpus)],
    ["GPU", space.gpu ? "yes" : "no"],
    ["Network", space.network ?? "-"],
    ["Node", space.node ?? "-"],
    ["Volume", `${space.volume.name} -> /workspace`],
    ["Created", `${space.created} (${relativeTime(space.created)})`],
    ["Last activity", `${relativeTime(space.lastActivity)}${space.activity?.lastSource ? ` (${space.activity.lastSource})` : ""}`],
    ["Sleeps", space.sleepsAt ? relativeTime(space.sleepsAt) : space.sleepBlockedBy?.length ? `not while: ${space.sleepBlockedBy.join(", ")}` : "-"],
  ];
  if (stats) {
    rows.push(
      ["CPU", `${stats.cpuPercent.toFixed(1)}%`],
      ["Memory used", `${formatBytes(stats.memoryUsageBytes)} of ${formatBytes(stats.memoryLimitBytes)}`],
      ["Processes", String(stats.pids)],
      ["Network", `rx ${formatBytes(stats.networkRxBytes)}, tx ${formatBytes(stats.networkTxBytes)}`],
    );
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  ctx.out.write(rows.map(([k, v]) => `${paint.dim(ctx.colour)(k.padEnd(width))}  ${v}\n`).join(""));
}
