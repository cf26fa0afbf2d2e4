import type { ContainerStats } from "../ports/containers.js";

/** The subset of Docker's stats document we read (cgroup v1 and v2 shapes). */
export interface DockerStatsDoc {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  pids_stats?: { current?: number };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null };
}

/** True when a stats document carries its own previous sample (a one-shot read on Docker 20.10 does not). */
export function hasPrecpu(doc: DockerStatsDoc): boolean {
  return (doc.precpu_stats?.system_cpu_usage ?? 0) > 0 && (doc.precpu_stats?.cpu_usage?.total_usage ?? 0) > 0;
}

/**
 * CPU percent the way `docker stats` computes it: the container's share of the
 * host's CPU time between the previous and current sample, scaled by online CPUs
 * (so a space using two full cores reads 200%). The previous sample is the document's
 * own precpu; when that is empty, `earlier` (an earlier read of ours) stands in for it.
 */
export function computeStats(doc: DockerStatsDoc, earlier?: DockerStatsDoc): ContainerStats {
  const pre = hasPrecpu(doc) || !earlier ? doc.precpu_stats : earlier.cpu_stats;
  const cpuNow = doc.cpu_stats?.cpu_usage?.total_usage ?? 0;
  const cpuBefore = pre?.cpu_usage?.total_usage ?? 0;
  const sysNow = doc.cpu_stats?.system_cpu_usage ?? 0;
  const sysBefore = pre?.system_cpu_usage ?? 0;
  const online = doc.cpu_stats?.online_cpus || doc.cpu_stats?.cpu_usage?.percpu_usage?.length || 1;
  const cpuDelta = cpuNow - cpuBefore;
  const sysDelta = sysNow - sysBefore;
  const cpuPercent = cpuBefore > 0 && sysBefore > 0 && cpuDelta > 0 && sysDelta > 0 ? (cpuDelta / sysDelta) * online * 100 : 0;

  const mem = doc.memory_stats ?? {};
  // Page cache is reclaimable, so `docker stats` leaves it out; the key differs between cgroup v1 and v2.
  const cache = mem.stats?.total_inactive_file ?? mem.stats?.inactive_file ?? 0;
  const memoryUsageBytes = Math.max(0, (mem.usage ?? 0) - cache);

  let rx = 0;
  let tx = 0;
  for (const n of Object.values(doc.networks ?? {})) {
    rx += n.rx_bytes ?? 0;
    tx += n.tx_bytes ?? 0;
  }
  let read = 0;
  let write = 0;
  for (const e of doc.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e.op ?? "").toLowerCase();
    if (op === "read") read += e.value ?? 0;
    else if (op === "write") write += e.value ?? 0;
  }
  return {
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryUsageBytes,
    memoryLimitBytes: mem.limit ?? 0,
    pids: doc.pids_stats?.current ?? 0,
    networkRxBytes: rx,
    networkTxBytes: tx,
    blockReadBytes: read,
    blockWriteBytes: write,
  };
}
