import { execFileSync } from "node:child_process";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { networkNames } from "../../src/network/networkPolicy.js";
import { chainsOf, removeScript } from "../../src/network/rules.js";
import { ClawdspaceClient } from "@clawdspace/shared";
import { spawnServer } from "../support/serverProcess.js";
import { canRestartEngine, restartEngine, startEngine, stopEngine } from "./engineRestart.js";
import { useTestServer } from "./fixture.js";
import { testNetworkPrefix } from "./globalSetup.js";
import { engineAvailable, runId } from "./support.js";

const iptables = (...args: string[]) => execFileSync("iptables", args, { encoding: "utf8" });
const restartable = canRestartEngine();
if (process.env.CI === "true" && engineAvailable && !restartable) throw new Error("CI=true but this test cannot restart dockerd (needs root and a running dockerd)");

describe.skipIf(!engineAvailable || !restartable)("the network policy fails closed across engine restarts and reboots", () => {
  const lines: Array<{ time: number; msg: string }> = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of chunk.toString().split("\n").filter(Boolean)) {
        try {
          lines.push(JSON.parse(l) as { time: number; msg: string });
        } catch {
          // not a log line
        }
      }
      cb();
    },
  });
  const s = useTestServer({ logStream, env: { NETWORK_WATCH_MS: "500", NETWORK_REAPPLY_MS: "0" } });
  const { bridge } = networkNames(testNetworkPrefix(runId), "lan");
  const hooked = () => iptables("-S", "FORWARD").includes(`-i ${bridge} -j ${chainsOf(bridge).forward}`);
  const running = async (name: string) => (await s.docker.getContainer(`clawdspace-${name}`).inspect()).State.Running;

  it("after an engine restart the space stays down until its rules are applied again, then runs", async () => {
    const name = s.spaceName("fc");
    expect((await s.post("/api/spaces", { name, memory: "256m", network: "lan" })).status).toBe(201);
    expect((await s.docker.getContainer(`clawdspace-${name}`).inspect()).HostConfig.RestartPolicy?.Name).toBe("no");
    await s.client.exec(name, { command: "echo kept > /workspace/kept" });
    const before = Date.now();
    await restartEngine(s.docker);
    // The engine did not start it: nothing runs on the network until the guard has applied the rules.
    const inspected = await s.docker.getContainer(`clawdspace-${name}`).inspect();
    const deadline = Date.now() + 30_000;
    while (!(await running(name)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const guardLog = () => lines.filter((l) => l.time >= before && /network|space/.test(l.msg)).map((l) => JSON.stringify(l).slice(0, 400));
    expect(await running(name), guardLog().join("\n")).toBe(true);
    const started = Date.parse((await s.docker.getContainer(`clawdspace-${name}`).inspect()).State.StartedAt);
    const applied = lines.filter((l) => l.msg === "network policy applied" && l.time >= before).map((l) => l.time);
    expect(applied.length, "the rules were applied again after the restart").toBeGreaterThan(0);
    expect(started).toBeGreaterThanOrEqual(Math.min(...applied));
    expect(inspected.State.Running === false || Date.parse(inspected.State.StartedAt) >= Math.min(...applied)).toBe(true);
    expect(hooked()).toBe(true);
    expect((await s.client.exec(name, { command: "cat /workspace/kept" })).stdout).toBe("kept\n");
    const restore = s.deps.audit.query({ space: name, type: "space.start", limit: 5 });
    expect(restore.at(-1)?.meta).toMatchObject({ reason: "restore" });
  });

  it("after a reboot (an empty firewall, the engine up before the server) no space runs until the server has put the rules back", async () => {
    // This file's in-process server would put the rules back and start the space itself: only the spawned servers guard now.
    s.deps.policyGuard?.stop();
    const env = { CLAWDSPACE_NETWORK_PREFIX: testNetworkPrefix(runId), NETWORK_REAPPLY_MS: "0" };
    const first = await spawnServer(runId, env);
    const name = s.spaceName("boot");
    const client = new ClawdspaceClient({ baseUrl: first.url, key: first.key });
    await client.createSpace({ name, memory: "256m", network: "lan" });
    await first.stop();
    await stopEngine();
    // What a reboot leaves: no rule of ours at all.
    execFileSync("sh", ["-c", removeScript(bridge)]);
    expect(hooked()).toBe(false);
    await startEngine(s.docker);
    // The engine is up with an empty firewall for us and every chance to start the space: it must not.
    for (let i = 0; i < 8; i++) {
      expect(await running(name)).toBe(false);
      await new Promise((r) => setTimeout(r, 500));
    }
    const second = await spawnServer(runId, env);
    try {
      const deadline = Date.now() + 30_000;
      while (!(await running(name)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(await running(name)).toBe(true);
      expect(hooked()).toBe(true);
      const again = new ClawdspaceClient({ baseUrl: second.url, key: second.key });
      expect((await again.exec(name, { command: "id -u" })).stdout).toBe("1001\n");
      // the start came after the rules, in the server's own log
      const log = second.output();
      expect(log.indexOf("network policy applied")).toBeGreaterThan(-1);
      expect(log.indexOf("network policy applied")).toBeLessThan(log.indexOf("after its network rules"));
      await again.deleteSpace(name, { removeVolume: true });
    } finally {
      await second.stop();
    }
  });
});
