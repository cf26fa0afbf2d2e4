import { readFileSync } from "node:fs";

export interface CgroupMemory {
  memoryUsageBytes: number;
  memoryLimitBytes: number;
  pids: number;
}

/** cgroup v1 splits controllers into their own trees; v2 has one folder per container. */
type Layout = { memory: (id: string) => string; pids: (id: string) => string; v2: boolean };

const LAYOUTS = (root: string): Layout[] => [
  { memory: (id) => `${root}/memory/docker/${id}`, pids: (id) => `${root}/pids/docker/${id}`, v2: false },
  { memory: (id) => `${root}/memory/system.slice/docker-${id}.scope`, pids: (id) => `${root}/pids/system.slice/docker-${id}.scope`, v2: false },
  { memory: (id) => `${root}/system.slice/docker-${id}.scope`, pids: (id) => `${root}/system.slice/docker-${id}.scope`, v2: true },
  { memory: (id) => `${root}/docker/${id}`, pids: (id) => `${root}/docker/${id}`, v2: true },
];

/** v1 writes "no limit" as a page-rounded 2^63; v2 writes "max". */
const NO_LIMIT = 2 ** 60;

function statValue(stat: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, "m").exec(stat);
  return m ? Number(m[1]) : 0;
}

function number(text: string): number {
  const n = Number(text.trim());
  return Number.isFinite(n) && n < NO_LIMIT ? n : 0;
}

/**
 * A container's memory (without reclaimable page cache, as `docker stats` counts it) and pids,
 * read from the host's cgroup files beside the CPU time the sleep worker reads: three small
 * file reads instead of a stats call. Null where the files are not visible (remote engine).
 */
export class CgroupMemoryReader {
  private layout: Layout | null | undefined;

  constructor(private readonly root = "/sys/fs/cgroup") {}

  async read(containerId: string): Promise<CgroupMemory | null> {
    if (this.layout === null) return null;
    for (const layout of this.layout ? [this.layout] : LAYOUTS(this.root)) {
      let got: CgroupMemory | null = null;
      try {
        got = this.readLayout(layout, containerId);
      } catch {
        // not this layout, or the container has no cgroup (not running)
      }
      if (!got) continue;
      this.layout = layout;
      return got;
    }
    if (this.layout === undefined) this.layout = null;
    return null;
  }

  /** Sync reads, as in CgroupCpuReader: kernel files in memory, where an async read costs ~15x the CPU. */
  private readLayout(l: Layout, id: string): CgroupMemory {
    const dir = l.memory(id);
    const read = (file: string) => readFileSync(`${dir}/${file}`, "utf8");
    const usage = read(l.v2 ? "memory.current" : "memory.usage_in_bytes");
    const limit = read(l.v2 ? "memory.max" : "memory.limit_in_bytes");
    const stat = read("memory.stat");
    let pids = "0";
    try {
      pids = readFileSync(`${l.pids(id)}/pids.current`, "utf8");
    } catch {
      // the pids controller may be absent: no figure rather than no answer
    }
    const cache = statValue(stat, l.v2 ? "inactive_file" : "total_inactive_file");
    return { memoryUsageBytes: Math.max(0, number(usage) - cache), memoryLimitBytes: number(limit), pids: number(pids) };
  }
}
