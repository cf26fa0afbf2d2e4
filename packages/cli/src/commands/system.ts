import type { Context } from "../context.js";
import { paint, printJson } from "../output.js";

export async function run(ctx: Context): Promise<void> {
  const s = await ctx.client.system();
  if (ctx.json) return printJson(s);
  const gpu = s.capabilities.gpu ? `${s.capabilities.gpuName ?? "yes"}${s.capabilities.gpuMemory ? ` (${s.capabilities.gpuMemory})` : ""}` : "none";
  const rows: Array<[string, string]> = [
    ["Host", `${s.hostname} (${s.platform}/${s.arch})`],
    ["CPUs", `${s.cpus}, load ${s.loadAverage.map((l) => l.toFixed(2)).join(" ")}`],
    ["Memory", `${s.memory.used} of ${s.memory.total} used (${s.memory.percentage}), ${s.memory.free} free`],
    ["Disk", s.disk ? `${s.disk.used} of ${s.disk.total} used (${s.disk.percentage}), ${s.disk.available} available` : "-"],
    ["Docker", `${s.docker.version}: ${s.docker.containersRunning} running, ${s.docker.containersPaused} paused, ${s.docker.containers} containers, ${s.docker.images} images`],
    ["GPU", gpu],
    ["Uptime", `${Math.floor(s.uptime / 86400)}d ${Math.floor((s.uptime % 86400) / 3600)}h`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  ctx.out.write(rows.map(([k, v]) => `${paint.dim(ctx.colour)(k.padEnd(width))}  ${v}\n`).join(""));
}
