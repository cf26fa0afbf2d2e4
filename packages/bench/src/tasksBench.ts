import type { CallCounter } from "@clawdspace/api";
import { printTable, summarize, timed, type Row } from "./stats.js";

type Api = (method: string, path: string, body?: unknown) => Promise<unknown>;

interface TaskFigures {
  rows: Row[];
  rss: { idleMiB: number; with50MiB: number; tickCpuMs: number; tickWallMs: number; tickCalls: string };
}

/** Reads NDJSON lines of a streamed answer, handing each to `onLine` until it returns true. */
async function readLines(res: Response, onLine: (line: Record<string, unknown>) => boolean): Promise<void> {
  const decoder = new TextDecoder();
  let buf = "";
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, at);
      buf = buf.slice(at + 1);
      if (line.trim() && onLine(JSON.parse(line) as Record<string, unknown>)) return;
    }
  }
}

/** Latency of printed timestamps (ns since the epoch, from `date +%s%N` in the space) until they reach us. */
function latencies(out: number[], want: number) {
  let carry = "";
  return (line: Record<string, unknown>) => {
    if (typeof line.data !== "string") return false;
    const text = carry + line.data;
    const parts = text.split("\n");
    carry = parts.pop() ?? "";
    const now = Date.now();
    for (const p of parts) if (/^\d{19}$/.test(p)) out.push(now - Number(BigInt(p) / 1_000_000n));
    return out.length >= want;
  };
}

/**
 * Tasks: POST until the process runs against an exec of the same command; a line printed in the
 * space until a follower has it, against the same line through a streamed exec; the server's RSS
 * and the watcher's tick with 50 running tasks over 10 spaces.
 */
export async function benchTasks(
  o: { base: string; key: string; api: Api; space: string; extraSpaces: string[]; calls: CallCounter; tick: () => Promise<void>; iterations: number },
): Promise<TaskFigures> {
  const { api, space } = o;
  const headers = { authorization: `Bearer ${o.key}`, "content-type": "application/json" };
  for (let i = 0; i < 3; i++) {
    await api("POST", `/api/spaces/${space}/tasks`, { command: ["true"] });
    await api("POST", `/api/spaces/${space}/exec`, { command: ["true"] });
  }
  const start: number[] = [];
  const exec: number[] = [];
  for (let i = 0; i < o.iterations * 2; i++) {
    const steps = [
      async () => start.push(await timed(() => api("POST", `/api/spaces/${space}/tasks`, { command: ["true"] }))),
      async () => exec.push(await timed(() => api("POST", `/api/spaces/${space}/exec`, { command: ["true"] }))),
    ];
    for (let k = 0; k < 2; k++) await steps[(k + i) % 2]!();
  }

  const loop = "while :; do date +%s%N; sleep 0.1; done";
  const want = 40;
  const follow: number[] = [];
  const task = (await api("POST", `/api/spaces/${space}/tasks`, { command: loop })) as { task: { id: string } };
  const ctl = new AbortController();
  const res = await fetch(`${o.base}/api/spaces/${space}/tasks/${task.task.id}/logs?follow=1`, { headers, signal: ctl.signal });
  // From the first line on: the first chunk holds what was printed before we asked.
  let skipped = false;
  const onFollow = latencies(follow, want);
  await readLines(res, (l) => (skipped ? onFollow(l) : ((skipped = true), false)));
  ctl.abort();
  await api("POST", `/api/spaces/${space}/tasks/${task.task.id}/cancel`);
  const streamed: number[] = [];
  const ctl2 = new AbortController();
  const res2 = await fetch(`${o.base}/api/spaces/${space}/exec`, { method: "POST", headers: { ...headers, accept: "application/x-ndjson" }, body: JSON.stringify({ command: loop }), signal: ctl2.signal });
  await readLines(res2, latencies(streamed, want));
  ctl2.abort();

  // 50 sleeping tasks over 10 spaces: what they cost the server.
  global.gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const idle = process.memoryUsage().rss;
  const spaces = [space, ...o.extraSpaces].slice(0, 10);
  await Promise.all(spaces.flatMap((s) => Array.from({ length: 5 }, () => api("POST", `/api/spaces/${s}/tasks`, { command: "sleep 300" }))));
  const calls0 = o.calls.counts();
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const ticks = 10;
  for (let i = 0; i < ticks; i++) await o.tick();
  const wall = (Date.now() - t0) / ticks;
  const cpu = process.cpuUsage(cpu0);
  const calls1 = o.calls.counts();
  const perTick = Object.entries(calls1)
    .map(([k, v]) => [k, (v - (calls0[k] ?? 0)) / ticks] as const)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  global.gc?.();
  const with50 = process.memoryUsage().rss;
  return {
    rows: [
      { case: "task POST until its process runs [\"true\"]", ours: summarize(start), baseline: summarize(exec), baselineName: "our exec [\"true\"]" },
      { case: "a printed line until the client has it", ours: summarize(follow), baseline: summarize(streamed), baselineName: "our exec NDJSON stream", extra: "ours = task log follow (inotify in the space)" },
    ],
    rss: { idleMiB: idle / 1024 ** 2, with50MiB: with50 / 1024 ** 2, tickCpuMs: (cpu.user + cpu.system) / 1000 / ticks, tickWallMs: wall, tickCalls: perTick },
  };
}

export function printTasks(f: TaskFigures): void {
  printTable("tasks", f.rows);
  console.log("\n## tasks: 50 running over 10 spaces");
  console.log("| server RSS, no tasks | server RSS, 50 running tasks | ratio | watcher tick: server CPU ms | wall ms | engine calls per tick |");
  console.log("|---|---|---|---|---|---|");
  console.log(`| ${f.rss.idleMiB.toFixed(1)} MiB | ${f.rss.with50MiB.toFixed(1)} MiB | ${(f.rss.with50MiB / f.rss.idleMiB).toFixed(3)}x | ${f.rss.tickCpuMs.toFixed(2)} | ${f.rss.tickWallMs.toFixed(1)} | ${f.rss.tickCalls} |`);
}
