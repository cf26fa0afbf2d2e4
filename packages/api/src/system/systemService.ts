import { statfs } from "node:fs/promises";
import os from "node:os";
import { dirname } from "node:path";
import { formatBytes, type Capabilities, type SystemInfo } from "@clawdspace/shared";
import type { SystemPort } from "../engine/ports/system.js";
import { GPU_RUNTIME, HostFacts } from "./hostFacts.js";

const pct = (part: number, total: number) => `${total > 0 ? ((part / total) * 100).toFixed(1) : "0.0"}%`;

/** Host and engine figures for /api/system, in Clawdspace's human strings plus raw bytes. */
export class SystemService {
  constructor(
    private readonly system: SystemPort,
    private readonly diskPath: string,
    private readonly host: HostFacts = new HostFacts(system),
    readonly nodeName: string = os.hostname(),
  ) {}

  /** This node alone until several join; an engine that does not answer makes it offline, not an error. */
  async nodes(selfUrl: string) {
    let capabilities: Capabilities | undefined;
    let latencyMs: number | null = null;
    try {
      // A ping measures the engine's answer now (capabilities come from facts read once).
      const started = performance.now();
      await this.system.ping();
      latencyMs = Math.round(performance.now() - started);
      capabilities = await this.capabilities();
    } catch {
      capabilities = undefined;
      latencyMs = null;
    }
    const node = {
      name: this.nodeName,
      url: selfUrl,
      status: capabilities ? ("online" as const) : ("offline" as const),
      latencyMs,
      ...(capabilities ? { capabilities } : {}),
    };
    return { nodes: [node], lastUpdatedAt: new Date().toISOString() };
  }

  /** From the engine facts read once: the runtimes (and so GPU support) do not change while we run. */
  async capabilities(): Promise<Capabilities> {
    const engine = await this.host.get();
    const gpu = engine.runtimes.includes(GPU_RUNTIME);
    return {
      gpu,
      runtimes: [...engine.runtimes].sort(),
      gpuName: null,
      gpuMemory: null,
      arch: os.arch(),
      platform: os.platform(),
      cpus: engine.cpus || os.cpus().length,
      memory: engine.memoryBytes || os.totalmem(),
    };
  }

  async info(): Promise<SystemInfo> {
    const [engine, disk] = await Promise.all([this.system.info(), this.disk()]);
    const total = os.totalmem();
    const free = os.freemem();
    const used = total - free;
    const gpu = engine.runtimes.includes(GPU_RUNTIME);
    return {
      hostname: os.hostname(),
      platform: os.platform(),
      arch: os.arch(),
      cpus: os.cpus().length,
      loadAverage: os.loadavg(),
      memory: { total: formatBytes(total), free: formatBytes(free), used: formatBytes(used), percentage: pct(used, total) },
      disk: disk
        ? {
            total: formatBytes(disk.total),
            used: formatBytes(disk.used),
            available: formatBytes(disk.available),
            // as df counts it: blocks reserved for root are neither used nor available to us
            percentage: pct(disk.used, disk.used + disk.available),
          }
        : null,
      uptime: os.uptime(),
      docker: {
        version: engine.version,
        apiVersion: engine.apiVersion,
        containers: engine.containers,
        containersRunning: engine.containersRunning,
        containersPaused: engine.containersPaused,
        images: engine.images,
      },
      capabilities: { gpu, gpuName: null, gpuMemory: null, arch: os.arch(), platform: os.platform() },
      bytes: { memory: { total, free, used }, disk },
      // The audit log and the store live here: a full disk stops what must be recorded.
      dataDir: { path: this.diskPath, availableBytes: disk?.available ?? null },
    };
  }

  /** The disk under the data folder (the store and the audit log). */
  async disk(): Promise<{ total: number; used: number; available: number } | null> {
    // The data folder may not exist yet (first start): its nearest existing parent is on the same disk.
    let path = this.diskPath || "/";
    for (;;) {
      try {
        await statfs(path);
        break;
      } catch {
        if (path === dirname(path)) return null;
        path = dirname(path);
      }
    }
    try {
      const s = await statfs(path);
      const total = s.blocks * s.bsize;
      const available = s.bavail * s.bsize;
      return { total, used: total - s.bfree * s.bsize, available };
    } catch {
      return null;
    }
  }
}
