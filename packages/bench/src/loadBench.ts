import type { CallCounter } from "@clawdspace/api";
import { summarize } from "./stats.js";

export interface LoadCost {
  spaces: number;
  requests: number;
  cpuMs: ReturnType<typeof summarize>;
  wallMs: ReturnType<typeof summarize>;
  engineCallsPerRequest: Record<string, number>;
  answerBytes: number;
}

/**
 * GET /api/stats with N running spaces: process CPU and wall time per request and the engine
 * calls each costs (cgroupRead is a host file read, counted to show it replaced stats calls).
 * Requests are spaced past the server's one-second reuse, so each one really reads.
 */
export async function benchAllStats(api: (method: string, path: string) => Promise<unknown>, calls: CallCounter, spaces: number, requests = 20): Promise<LoadCost> {
  const answer = (await api("GET", "/api/stats")) as { stats: unknown[] };
  if (answer.stats.length < spaces) throw new Error(`GET /api/stats answered ${answer.stats.length} spaces, expected ${spaces}`);
  const cpu: number[] = [];
  const wall: number[] = [];
  const before = calls.counts();
  let answerBytes = 0;
  for (let i = 0; i < requests; i++) {
    await new Promise((r) => setTimeout(r, 1100));
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    answerBytes = JSON.stringify(await api("GET", "/api/stats")).length;
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const after = calls.counts();
  const perRequest: Record<string, number> = {};
  for (const [op, n] of Object.entries(after)) {
    const d = n - (before[op] ?? 0);
    if (d) perRequest[op] = Math.round((d / requests) * 100) / 100;
  }
  return { spaces, requests, cpuMs: summarize(cpu), wallMs: summarize(wall), engineCallsPerRequest: perRequest, answerBytes };
}

export function printLoadCost(r: LoadCost): void {
  console.log(`\n## all-spaces stats (GET /api/stats, ${r.spaces} running spaces, ${r.requests} requests)`);
  console.log("| figure | median | p90 |");
  console.log("|---|---|---|");
  console.log(`| process CPU ms per request (server and its in-process client) | ${r.cpuMs.median.toFixed(1)} | ${r.cpuMs.p90.toFixed(1)} |`);
  console.log(`| wall ms per request | ${r.wallMs.median.toFixed(1)} | ${r.wallMs.p90.toFixed(1)} |`);
  const calls = Object.entries(r.engineCallsPerRequest).map(([k, v]) => `${k} ${v}`).join(", ");
  console.log(`engine calls per request: ${calls} (cgroupRead: a host file read per space, not an engine call); answer ${(r.answerBytes / 1024).toFixed(1)} KiB`);
}
