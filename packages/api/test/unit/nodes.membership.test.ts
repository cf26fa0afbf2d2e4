import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Membership } from "../../src/nodes/membership.js";
import type { NodeReport } from "../../src/nodes/nodeReport.js";
import { tailscaleCandidates, type PeerDiscovery } from "../../src/nodes/discovery.js";
import { choosePlacement } from "../../src/nodes/placement.js";
import { relabelFrame } from "../../src/nodes/eventFanoutRoutes.js";
import { FakePeerTransport } from "../support/fakes/fakePeerTransport.js";

const log = pino({ level: "silent" });
const GiB = 1024 ** 3;
const report = (name: string, over: Partial<NodeReport> = {}): NodeReport => ({
  service: "clawdspace",
  name,
  version: "t",
  capabilities: { gpu: false, gpuName: null, gpuMemory: null, arch: "x64", platform: "linux", cpus: 4, memory: 16 * GiB },
  spaces: 0,
  allocated: { memory: 0, cpus: 0 },
  ...over,
});
const ok = (body: unknown) => () => ({ status: 200, body });

describe("membership: health of peers", () => {
  it("marks answering peers online with latency and their report, others offline since when they failed", async () => {
    const now = { t: 1_000 };
    const fake = new FakePeerTransport().on("http://b", ok(report("b"))).on("http://c", () => ({ status: 401, body: {} }));
    const m = new Membership(
      [{ name: "a", url: "http://a" }, { name: "b", url: "http://b" }, { name: "c", url: "http://c" }, { name: "d", url: "http://d" }],
      fake,
      { self: "a", healthMs: 1000, deadlineMs: 100, clock: () => now.t },
      log,
    );
    await m.check();
    expect(m.peers().map((p) => p.name)).toEqual(["b", "c", "d"]);
    expect(m.get("b")).toMatchObject({ status: "online", since: 1000, lastSeenAt: 1000, report: { name: "b" } });
    expect(m.get("b")!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(m.get("c")).toMatchObject({ status: "offline", since: 1000, error: "refused our cluster secret (401)" });
    expect(m.get("d")).toMatchObject({ status: "offline", error: expect.stringContaining("ECONNREFUSED") });
    // Every check names the asking node and carries the deadline.
    expect(fake.calls[0]!.call).toMatchObject({ path: "/api/cluster/self", actor: "node:a", timeoutMs: 100 });
    now.t = 5_000;
    fake.down.add("http://b");
    await m.check();
    expect(m.get("b")).toMatchObject({ status: "offline", since: 5000, lastSeenAt: 1000, latencyMs: null });
    now.t = 9_000;
    await m.check();
    expect(m.get("b")!.since).toBe(5000);
  });

  it("refuses a peer that answers as another node, or as something that is not Clawdspace", async () => {
    const fake = new FakePeerTransport().on("http://b", ok(report("imposter"))).on("http://c", ok({ status: "ok" }));
    const m = new Membership([{ name: "b", url: "http://b" }, { name: "c", url: "http://c" }], fake, { self: "a", healthMs: 1000, deadlineMs: 100 }, log);
    await m.check();
    expect(m.get("b")).toMatchObject({ status: "offline", error: "answers as node imposter, configured as b" });
    expect(m.get("c")).toMatchObject({ status: "offline", error: expect.stringContaining("not as a Clawdspace node") });
  });

  it("adds discovered candidates only when they answer our health check as one of ours", async () => {
    const discovery: PeerDiscovery = { candidates: async () => [{ hostName: "gpu", url: "http://100.64.0.2:7777" }, { hostName: "printer", url: "http://100.64.0.3:7777" }, { hostName: "me", url: "http://100.64.0.1:7777" }] };
    const fake = new FakePeerTransport()
      .on("http://100.64.0.2:7777", ok(report("gpu-box")))
      .on("http://100.64.0.3:7777", () => ({ status: 404, body: {} }))
      .on("http://100.64.0.1:7777", ok(report("a")));
    const m = new Membership([], fake, { self: "a", healthMs: 1000, deadlineMs: 100 }, log, discovery);
    await m.check();
    expect(m.peers()).toEqual([expect.objectContaining({ name: "gpu-box", url: "http://100.64.0.2:7777", status: "online", discovered: true })]);
  });

  it("reads tailscale's status: online peers at their tailnet IPv4 address and our port", () => {
    const status = {
      Peer: {
        k1: { HostName: "gpu", TailscaleIPs: ["100.101.1.2", "fd7a:115c::2"], Online: true },
        k2: { HostName: "off", TailscaleIPs: ["100.101.1.3"], Online: false },
        k3: { HostName: "v6only", TailscaleIPs: ["fd7a:115c::4"], Online: true },
      },
    };
    expect(tailscaleCandidates(status, 7777)).toEqual([{ hostName: "gpu", url: "http://100.101.1.2:7777" }]);
    expect(tailscaleCandidates({}, 7777)).toEqual([]);
  });
});

describe("placement", () => {
  const c = (name: string, memory: number, cpus: number, allocated = { memory: 0, cpus: 0 }, gpu = false) => ({
    name,
    report: { capabilities: { ...report(name).capabilities, memory, cpus, gpu }, allocated },
  });
  const need = { memory: 2 * GiB, cpus: 1, gpu: false };

  it("takes the node with most headroom; a tie stays on the first (the entry)", () => {
    expect(choosePlacement([c("a", 16 * GiB, 4, { memory: 8 * GiB, cpus: 2 }), c("b", 16 * GiB, 4)], need)).toEqual({ node: "b" });
    expect(choosePlacement([c("a", 16 * GiB, 4), c("b", 16 * GiB, 4)], need)).toEqual({ node: "a" });
    expect(choosePlacement([c("a", 8 * GiB, 2), c("b", 64 * GiB, 32)], need)).toEqual({ node: "b" });
  });

  it("only nodes that can give what is asked: memory, CPUs, a GPU", () => {
    expect(choosePlacement([c("a", 16 * GiB, 4), c("gpu", 16 * GiB, 4, undefined, true)], { ...need, gpu: true })).toEqual({ node: "gpu" });
    expect(choosePlacement([c("a", 16 * GiB, 4)], { ...need, cpus: 8 })).toMatchObject({ node: null, reason: expect.stringContaining("8 CPUs") });
    expect(choosePlacement([c("a", 16 * GiB, 4)], { ...need, gpu: true })).toMatchObject({ node: null, reason: expect.stringContaining("GPU") });
  });
});

describe("merged events: a peer's frame relabelled", () => {
  it("adds the node to a frame's data and drops comments and anything unparsable", () => {
    expect(relabelFrame('event: space\ndata: {"space":"x","state":"paused"}', "b")).toBe('event: space\ndata: {"space":"x","state":"paused","node":"b"}\n\n');
    expect(relabelFrame(": keep-alive", "b")).toBeNull();
    expect(relabelFrame("retry: 2000\n: connected", "b")).toBeNull();
    expect(relabelFrame("event: space\ndata: {not json", "b")).toBeNull();
    expect(relabelFrame("event: evil\r\nX\ndata: {}", "b")).toBeNull();
    expect(relabelFrame("event: space\ndata: 42", "b")).toBeNull();
  });
});
