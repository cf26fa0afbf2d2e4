import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CgroupMemoryReader } from "../../src/engine/docker/cgroupMemory.js";

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "cs-cg-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("CgroupMemoryReader", () => {
  it("reads cgroup v1 (cgroupfs driver): usage less inactive file cache, the limit, pids", async () => {
    const root = tree({
      "memory/docker/abc/memory.usage_in_bytes": "100000\n",
      "memory/docker/abc/memory.limit_in_bytes": "268435456\n",
      "memory/docker/abc/memory.stat": "cache 5000\ntotal_inactive_file 30000\ninactive_file 1\n",
      "pids/docker/abc/pids.current": "7\n",
    });
    expect(await new CgroupMemoryReader(root).read("abc")).toEqual({ memoryUsageBytes: 70_000, memoryLimitBytes: 268435456, pids: 7 });
  });

  it("reads cgroup v2 (systemd driver) and reports no limit as 0", async () => {
    const root = tree({
      "system.slice/docker-abc.scope/memory.current": "50000\n",
      "system.slice/docker-abc.scope/memory.max": "max\n",
      "system.slice/docker-abc.scope/memory.stat": "anon 1\ninactive_file 20000\n",
      "system.slice/docker-abc.scope/pids.current": "3\n",
    });
    expect(await new CgroupMemoryReader(root).read("abc")).toEqual({ memoryUsageBytes: 30_000, memoryLimitBytes: 0, pids: 3 });
  });

  it("treats v1's page-rounded 2^63 as no limit, and answers null where no layout exists (then stops probing)", async () => {
    const root = tree({
      "memory/docker/a/memory.usage_in_bytes": "10",
      "memory/docker/a/memory.limit_in_bytes": "9223372036854771712",
      "memory/docker/a/memory.stat": "",
    });
    expect(await new CgroupMemoryReader(root).read("a")).toEqual({ memoryUsageBytes: 10, memoryLimitBytes: 0, pids: 0 });
    const none = new CgroupMemoryReader(tree({ "unrelated/file": "" }));
    expect(await none.read("zzz")).toBeNull();
    expect(await none.read("zzz")).toBeNull();
  });
});
