import type { Logger } from "pino";
import { ConflictError } from "../engine/errors.js";
import { SPACE_USER } from "../engine/naming.js";
import { WORKSPACE } from "../engine/naming.js";
import type { Engine } from "../engine/engine.js";
import { maskString } from "../core/mask.js";
import type { CpuMonitor } from "../sleep/cpuMonitor.js";

export interface ProcessInfo {
  pid: number;
  user: string;
  cpuPercent: number;
  memPercent: number;
  rssBytes: number;
  elapsedSeconds: number;
  command: string;
}

export interface Observation {
  state: "running" | "asleep";
  processes: ProcessInfo[];
  disk: { workspaceBytes: number; measuredAt: string; cached: boolean } | null;
}

const PS = ["/usr/bin/ps", "-eo", "pid=,user:32=,pcpu=,pmem=,rss=,etimes=,args=", "--sort=-pcpu"];

/** Parses `ps -eo pid=,user=,pcpu=,pmem=,rss=,etimes=,args=`; commands are masked (they may carry tokens). */
export function parsePs(text: string, top: number): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+)\s+(\S+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    if (m[7]!.startsWith("ps -eo")) continue; // our own probe
    out.push({
      pid: Number(m[1]),
      user: m[2]!,
      cpuPercent: Number(m[3]),
      memPercent: Number(m[4]),
      rssBytes: Number(m[5]) * 1024,
      elapsedSeconds: Number(m[6]),
      command: maskString(m[7]!.slice(0, 1000)),
    });
    if (out.length >= top) break;
  }
  return out;
}

/**
 * What runs in a space and how much of the disk it uses, cheap enough to poll: `du` is
 * cached for a while, nothing wakes a sleeping space, nothing counts as activity, nothing
 * is audited, and our own probe is taken out of the sleep worker's CPU window.
 */
export class ObservabilityService {
  private readonly du = new Map<string, { bytes: number; at: number; pending?: Promise<number> }>();

  constructor(
    private readonly engine: Pick<Engine, "exec" | "containers">,
    private readonly cpu: CpuMonitor,
    private readonly log: Logger,
    private readonly opts: { duCacheMs: number; topProcesses: number },
    private readonly clock: () => number = Date.now,
  ) {}

  private async capture(name: string, argv: string[]): Promise<string> {
    const chunks: Buffer[] = [];
    const { exitCode } = await this.engine.exec.run(name, { argv, cwd: WORKSPACE, user: SPACE_USER }, (stream, c) => {
      if (stream === "stdout") chunks.push(c);
    });
    const text = Buffer.concat(chunks).toString("utf8");
    if (exitCode !== 0 && !text) throw new Error(`${argv[0]} exited ${exitCode}`);
    return text;
  }

  private async diskBytes(name: string): Promise<{ bytes: number; at: number; cached: boolean }> {
    const hit = this.du.get(name);
    const now = this.clock();
    if (hit && now - hit.at < this.opts.duCacheMs) return { bytes: hit.bytes, at: hit.at, cached: true };
    // one du at a time per space, however many pollers ask
    const pending = hit?.pending ?? this.capture(name, ["/usr/bin/du", "-s", "-B1", "-x", WORKSPACE]).then((t) => Number(t.trim().split(/\s+/)[0]) || 0);
    this.du.set(name, { bytes: hit?.bytes ?? 0, at: hit?.at ?? 0, pending });
    try {
      const bytes = await pending;
      this.du.set(name, { bytes, at: this.clock() });
      return { bytes, at: this.clock(), cached: false };
    } catch (e) {
      this.du.delete(name);
      throw e;
    }
  }

  async observe(name: string): Promise<Observation> {
    try {
      const [ps, disk] = await Promise.all([this.capture(name, PS), this.diskBytes(name)]);
      return {
        state: "running",
        processes: parsePs(ps, this.opts.topProcesses),
        disk: { workspaceBytes: disk.bytes, measuredAt: new Date(disk.at).toISOString(), cached: disk.cached },
      };
    } catch (e) {
      if (e instanceof ConflictError && (e.reason === "paused" || e.reason === "not-running")) {
        // looking must not wake it; the last disk figure is still worth showing
        await this.engine.containers.inspect(name);
        const hit = this.du.get(name);
        return {
          state: "asleep",
          processes: [],
          disk: hit && hit.at ? { workspaceBytes: hit.bytes, measuredAt: new Date(hit.at).toISOString(), cached: true } : null,
        };
      }
      throw e;
    } finally {
      await this.cpu.rebase(name).catch((err) => this.log.debug({ err, space: name }, "cpu rebase after observation failed"));
    }
  }

  forget(name: string): void {
    this.du.delete(name);
  }
}
