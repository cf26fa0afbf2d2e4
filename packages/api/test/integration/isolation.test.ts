import { describe, expect, it } from "vitest";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable } from "./support.js";

describe.skipIf(!engineAvailable)("what a space may do", () => {
  const s = useServerWithSpace("iso", { env: { SPACE_PIDS_LIMIT: "200" }, space: { memory: "300m", cpus: 1 } });
  const sh = (command: string) => s.exec(command);

  it("runs as uid 1001 with no capabilities and no new privileges", async () => {
    expect((await sh("id -u")).stdout.trim()).toBe("1001");
    expect((await sh("id -un")).stdout.trim()).toBe("sandbox");
    const status = (await sh("grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)' /proc/self/status")).stdout;
    expect(status).toMatch(/CapEff:\s+0000000000000000/);
    expect(status).toMatch(/CapPrm:\s+0000000000000000/);
    expect(status).toMatch(/CapBnd:\s+0000000000000000/);
    expect(status).toMatch(/NoNewPrivs:\s+1/);
  });

  it("sees its memory and pids limits", async () => {
    const mem = (await sh("cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes")).stdout.trim();
    expect(Number(mem)).toBe(300 * 1024 ** 2);
    const pids = (await sh("cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max")).stdout.trim();
    expect(pids).toBe("200");
  });

  it("works in /workspace, owned by the space's user, with a tmpfs /tmp", async () => {
    expect((await sh("pwd")).stdout.trim()).toBe("/workspace");
    expect((await sh("stat -c %u:%g /workspace")).stdout.trim()).toBe("1001:1001");
    expect((await sh("touch /workspace/ok && echo yes")).stdout.trim()).toBe("yes");
    expect((await sh("findmnt -no FSTYPE /tmp || awk '$2==\"/tmp\"{print $3}' /proc/mounts")).stdout.trim()).toBe("tmpfs");
  });

  it("an offline space has no network interface but loopback", async () => {
    const off = s.spaceName("off");
    await s.client.createSpace({ name: off, memory: "128m", template: "offline" });
    try {
      const links = (await s.client.exec(off, { command: "ls /sys/class/net" })).stdout.split(/\s+/).filter(Boolean);
      expect(links).toEqual(["lo"]);
      expect((await s.client.getSpace(off)).network).toBe("none");
    } finally {
      await s.client.deleteSpace(off, { removeVolume: true });
    }
  });
});
