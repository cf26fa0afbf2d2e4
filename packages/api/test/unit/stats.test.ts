import { describe, expect, it } from "vitest";
import { computeStats, type DockerStatsDoc } from "../../src/engine/docker/stats.js";

const cpu = (now: number, before: number, sysNow: number, sysBefore: number, online?: number): DockerStatsDoc => ({
  cpu_stats: { cpu_usage: { total_usage: now }, system_cpu_usage: sysNow, ...(online ? { online_cpus: online } : {}) },
  precpu_stats: { cpu_usage: { total_usage: before }, system_cpu_usage: sysBefore },
});

describe("computeStats", () => {
  it("cpu percent is (cpuDelta / systemDelta) * online * 100", () => {
    // 200 of 1000 system ticks on 4 cpus -> 80%
    expect(computeStats(cpu(1200, 1000, 11_000, 10_000, 4)).cpuPercent).toBe(80);
    // two full cores of eight -> 200%
    expect(computeStats(cpu(3000, 1000, 10_000 + 8000, 10_000, 8)).cpuPercent).toBe(200);
  });

  it("rounds to two decimals", () => {
    expect(computeStats(cpu(1001, 1000, 4000, 1000, 1)).cpuPercent).toBe(0.03);
  });

  it("falls back to percpu_usage length, then 1, for the cpu count", () => {
    const doc = cpu(1100, 1000, 2000, 1000);
    expect(computeStats(doc).cpuPercent).toBe(10);
    doc.cpu_stats!.cpu_usage!.percpu_usage = [1, 2, 3];
    expect(computeStats(doc).cpuPercent).toBe(30);
  });

  it("is 0 when the previous sample is empty (the first read)", () => {
    expect(computeStats(cpu(5000, 0, 10_000, 0, 2)).cpuPercent).toBe(0);
    expect(computeStats(cpu(5000, 100, 10_000, 0, 2)).cpuPercent).toBe(0);
    expect(computeStats({ cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 9 } }).cpuPercent).toBe(0);
  });

  it("is 0, never negative, when counters went backwards", () => {
    expect(computeStats(cpu(900, 1000, 11_000, 10_000, 1)).cpuPercent).toBe(0);
    expect(computeStats(cpu(1100, 1000, 9_000, 10_000, 1)).cpuPercent).toBe(0);
  });

  it("subtracts total_inactive_file (cgroup v1) from memory usage", () => {
    const s = computeStats({ memory_stats: { usage: 100_000, limit: 500_000, stats: { total_inactive_file: 30_000, cache: 99_999 } } });
    expect(s.memoryUsageBytes).toBe(70_000);
    expect(s.memoryLimitBytes).toBe(500_000);
  });

  it("subtracts inactive_file (cgroup v2) from memory usage", () => {
    expect(computeStats({ memory_stats: { usage: 100_000, stats: { inactive_file: 40_000 } } }).memoryUsageBytes).toBe(60_000);
  });

  it("never reports negative memory and copes with missing sections", () => {
    expect(computeStats({ memory_stats: { usage: 10, stats: { inactive_file: 50 } } }).memoryUsageBytes).toBe(0);
    expect(computeStats({})).toEqual({
      cpuPercent: 0,
      memoryUsageBytes: 0,
      memoryLimitBytes: 0,
      pids: 0,
      networkRxBytes: 0,
      networkTxBytes: 0,
      blockReadBytes: 0,
      blockWriteBytes: 0,
    });
  });

  it("sums networks and block io, and reads pids", () => {
    const s = computeStats({
      pids_stats: { current: 7 },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      blkio_stats: {
        io_service_bytes_recursive: [
          { op: "Read", value: 100 },
          { op: "write", value: 50 },
          { op: "read", value: 1 },
          { op: "Total", value: 999 },
        ],
      },
    });
    expect(s.pids).toBe(7);
    expect(s.networkRxBytes).toBe(11);
    expect(s.networkTxBytes).toBe(22);
    expect(s.blockReadBytes).toBe(101);
    expect(s.blockWriteBytes).toBe(50);
  });

  it("accepts a null blkio list (cgroup v2 engines send one)", () => {
    expect(computeStats({ blkio_stats: { io_service_bytes_recursive: null } }).blockReadBytes).toBe(0);
  });
});

describe("computeStats with an empty precpu (Docker 20.10 one-shot)", () => {
  it("uses an earlier read's cpu_stats as the previous sample", () => {
    const first = cpu(1000, 0, 10_000, 0, 2);
    const second = cpu(1500, 0, 11_000, 0, 2);
    // 500 of 1000 system ticks on 2 cpus -> 100%
    expect(computeStats(second, first).cpuPercent).toBe(100);
  });
  it("prefers the document's own precpu when it has one", () => {
    expect(computeStats(cpu(1200, 1000, 11_000, 10_000, 4), cpu(0, 0, 1, 0, 4)).cpuPercent).toBe(80);
  });
});
