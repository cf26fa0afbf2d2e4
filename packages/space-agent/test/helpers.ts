import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const AGENT = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "clawdspace-agent");

export function requireBinary(): void {
  if (!existsSync(AGENT)) throw new Error(`${AGENT} is missing: run npm run build -w @clawdspace/space-agent`);
}

export interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function agent(...args: string[]): Run {
  const r = spawnSync(AGENT, args, { timeout: 15_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

/** Runs the agent without waiting synchronously (for follow), with the time each chunk arrived. */
export function agentAsync(...args: string[]) {
  const child = spawn(AGENT, args, { stdio: ["ignore", "pipe", "pipe"] });
  const chunks: { at: number; data: Buffer }[] = [];
  child.stdout.on("data", (data: Buffer) => chunks.push({ at: Date.now(), data }));
  const done = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, chunks, done, output: () => Buffer.concat(chunks.map((c) => c.data)) };
}

export interface LogRecord {
  tag: string;
  payload: Buffer;
}

/** Splits the record framing (1-byte tag, 4-byte big-endian length, payload); throws on a bad or cut frame. */
export function parseRecords(buf: Buffer): LogRecord[] {
  const out: LogRecord[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 5) throw new Error(`truncated header at ${off}`);
    const tag = String.fromCharCode(buf[off]!);
    const len = buf.readUInt32BE(off + 1);
    if (!"oeghx".includes(tag)) throw new Error(`bad tag ${JSON.stringify(tag)} at ${off}`);
    if (len > 65536) throw new Error(`record of ${len} bytes at ${off}`);
    if (off + 5 + len > buf.length) throw new Error(`truncated payload at ${off}`);
    out.push({ tag, payload: buf.subarray(off + 5, off + 5 + len) });
    off += 5 + len;
  }
  return out;
}

export const json = (r: LogRecord) => JSON.parse(r.payload.toString("utf8")) as Record<string, unknown>;

export function lines(out: Buffer): Record<string, unknown>[] {
  return out
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const made: string[] = [];
export function tempRoot(): string {
  const d = mkdtempSync(join(tmpdir(), "clawdspace-agent-test-"));
  made.push(d);
  return d;
}
export function cleanupTemps(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface Started {
  ok: true;
  supervisorPid: number;
  pid: number;
  pgid: number;
  startedAt: number;
}

export function startTask(dir: string, argv: string[], opts: string[] = []): Started {
  const r = agent("task-run", "--dir", dir, ...opts, "--", ...argv);
  if (r.code !== 0) throw new Error(`task-run failed (${r.code}): ${r.stdout.toString()} ${r.stderr}`);
  return JSON.parse(r.stdout.toString()) as Started;
}

export function status(dir: string): Record<string, unknown> {
  const r = agent("task-status", "--dir", dir);
  return lines(r.stdout)[0]!;
}

export async function waitFor<T>(fn: () => T | undefined | false, ms = 10_000, what = "condition"): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitExited(dir: string, ms = 10_000): Promise<Record<string, unknown>> {
  return waitFor(() => {
    const s = status(dir);
    // The supervisor writes the final status, then exits: wait for both, or a read in between sees it alive.
    return s.state === "exited" && s.alive === false ? s : undefined;
  }, ms, `${dir} to exit`);
}

export interface ProcInfo {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  utime: number;
  stime: number;
  start: number;
}

export function procStat(pid: number): ProcInfo | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state).
  return {
    pid,
    state: f[0]!,
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    session: Number(f[3]),
    utime: Number(f[11]),
    stime: Number(f[12]),
    start: Number(f[19]),
  };
}

/** Every live process whose parent chain leads to root. */
export function descendants(root: number): ProcInfo[] {
  const all = new Map<number, ProcInfo>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const p = procStat(Number(name));
    if (p) all.set(p.pid, p);
  }
  return [...all.values()].filter((p) => {
    for (let q: ProcInfo | undefined = p, depth = 0; q && depth < 100; q = all.get(q.ppid), depth++) {
      if (q.ppid === root) return true;
      if (q.ppid <= 1) return false;
    }
    return false;
  });
}

/** Still there, and the same process (not a reused pid), and not a zombie. */
export function stillRunning(p: ProcInfo): boolean {
  const now = procStat(p.pid);
  return !!now && now.start === p.start && now.state !== "Z";
}

export function vmRssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error("no VmRSS");
  return Number(m[1]);
}

export function logOf(dir: string, ...args: string[]): LogRecord[] {
  const r = agent("task-log", "--dir", dir, ...args);
  if (r.code !== 0) throw new Error(`task-log failed (${r.code}): ${r.stderr}`);
  return parseRecords(r.stdout);
}

export const payloadOf = (recs: LogRecord[], tags = "oe") =>
  Buffer.concat(recs.filter((r) => tags.includes(r.tag)).map((r) => r.payload));
