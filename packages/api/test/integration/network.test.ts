import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chainsOf } from "../../src/network/rules.js";
import { networkNames } from "../../src/network/networkPolicy.js";
import { testNetworkPrefix } from "./globalSetup.js";
import { makeNetns, waitForOutput, type TestNetns } from "./netns.js";
import { useTestServer, type ServerFixture } from "./fixture.js";
import { engineAvailable, runId } from "./support.js";

const iptables = (...args: string[]) => execFileSync("iptables", args, { encoding: "utf8" });

// Every probe goes to a listener this test made: the private one in its namespace, and its own on the host.
const PROBE = (privateUrl: string, hostPort: number) => `
gw=$(ip route | awk '/^default/ {print $3}')
echo "private:$(curl -sS -m 5 ${privateUrl} 2>&1 | head -c 200)"
echo "host:$(curl -sS -m 5 http://$gw:${hostPort}/ 2>&1 | head -c 200)"
echo "links:$(ls /sys/class/net | tr '\\n' ' ')"
`;

describe.skipIf(!engineAvailable)("network policy on the real engine", () => {
  let ns: TestNetns;
  let dir: string;
  let host: Server;
  let hostPort: number;
  let privateUrl: string;
  let apiStandIn: Server;
  let apiPort: number;
  const spaces: Record<string, string> = {};
  // Cloud credential endpoints, played by a listener in our own namespace: the host routes only these /32s to it.
  const CREDENTIAL_ENDPOINTS = ["169.254.170.2", "100.100.100.200"];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "clawdspace-net-"));
    writeFileSync(join(dir, "index.html"), "private-ok\n");
    ns = makeNetns("net");
    const listener = ns.spawn(["/usr/bin/python3", "-u", "-m", "http.server", "8081", "--bind", ns.ip, "--directory", dir]);
    await waitForOutput(listener, /Serving HTTP/);
    privateUrl = `http://${ns.ip}:8081/`;
    const nsIf = execFileSync("ip", ["-n", ns.name, "-o", "link", "show"], { encoding: "utf8" })
      .split("\n")
      .map((l) => /^\d+:\s+([^:@]+)/.exec(l)?.[1])
      .find((n) => n && n !== "lo")!;
    for (const addr of CREDENTIAL_ENDPOINTS) {
      execFileSync("ip", ["-n", ns.name, "addr", "add", `${addr}/32`, "dev", nsIf]);
      // Throws if it cannot be added: no probe ever goes to the real address.
      execFileSync("ip", ["route", "add", `${addr}/32`, "via", ns.ip]);
    }
    const any = ns.spawn(["/usr/bin/python3", "-u", "-m", "http.server", "8082", "--bind", "0.0.0.0", "--directory", dir]);
    await waitForOutput(any, /Serving HTTP/);
    // Stands in for the API's port: a listener on all of this host's addresses.
    host = createServer((_req, res) => res.end("host-ok\n"));
    await new Promise<void>((r) => host.listen(0, "0.0.0.0", r));
    hostPort = (host.address() as AddressInfo).port;
    // Stands in for the API itself listening beyond loopback (HOST=0.0.0.0).
    apiStandIn = createServer((_req, res) => res.end("api-ok\n"));
    await new Promise<void>((r) => apiStandIn.listen(0, "0.0.0.0", r));
    apiPort = (apiStandIn.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => (host ? host.close(() => r()) : r()));
    await new Promise<void>((r) => (apiStandIn ? apiStandIn.close(() => r()) : r()));
    ns?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // after the listeners' hooks, so the servers stop (and their spaces go) before the listeners do
  const s = useTestServer();
  const open = useTestServer({ env: { CLAWDSPACE_NETWORK_POLICY: "false" } });

  beforeAll(async () => {
    // What the server does once it listens: the rules it applies from then on refuse its port to spaces.
    s.deps.network!.setApiPort(apiPort);
    const make = async (srv: ServerFixture, key: string, body: Record<string, unknown>) => {
      const name = srv.spaceName(key);
      const res = await srv.post("/api/spaces", { name, memory: "256m", ...body });
      expect(res.status, await res.clone().text()).toBe(201);
      spaces[key] = name;
    };
    await Promise.all([make(s, "inet", { network: "internet" }), make(s, "lan", { network: "lan" }), make(s, "none", { template: "offline" })]);
    await make(open, "open", { network: "internet" });
  });

  const probe = async (srv: ServerFixture, key: string) => (await srv.client.exec(spaces[key]!, { command: PROBE(privateUrl, hostPort), timeoutMs: 60_000 })).stdout;

  it("internet: no private listener, no host port; the internet and name resolution work", async () => {
    const out = await probe(s, "inet");
    expect(out).toMatch(/^private:curl: \(7\)/m);
    expect(out).toMatch(/^host:curl: \(7\)/m);
    expect(out).not.toContain("private-ok");
    expect(out).not.toContain("host-ok");
    // the host's resolver is in a private range on these machines; resolution still works
    const dns = await s.client.exec(spaces.inet!, { command: "getent hosts deb.debian.org >/dev/null && echo resolved; curl -sS -m 20 -o /dev/null -w '%{http_code}' http://deb.debian.org/debian/" });
    expect(dns.stdout).toMatch(/^resolved\n(200|301|302)$/);
  });

  it("internet: spaces on the same network cannot reach each other", async () => {
    const peer = s.spaceName("peer");
    expect((await s.post("/api/spaces", { name: peer, memory: "256m", network: "internet" })).status).toBe(201);
    spaces.peer = peer;
    const info = await s.docker.getContainer(`clawdspace-${peer}`).inspect();
    const peerIp = Object.values(info.NetworkSettings.Networks)[0]!.IPAddress;
    // a listener in the peer (its own loopback check proves it serves), probed from the other space
    const serving = s.client.exec(peer, { command: "cd /tmp && echo peer-ok > index.html && timeout 8 python3 -m http.server 8090 >/dev/null 2>&1; true", timeoutMs: 30_000 });
    const self = await s.client.exec(peer, { command: "for i in $(seq 50); do curl -s -m 2 http://127.0.0.1:8090/ && break; sleep 0.2; done" });
    expect(self.stdout).toBe("peer-ok\n");
    const other = await s.client.exec(spaces.inet!, { command: `curl -sS -m 5 http://${peerIp}:8090/ 2>&1; echo rc=$?` });
    expect(other.stdout).toMatch(/rc=7/);
    expect(other.stdout).not.toContain("peer-ok");
    await serving;
  });

  it("lan: the private listener and the host are reachable", async () => {
    const out = await probe(s, "lan");
    expect(out).toContain("private:private-ok");
    expect(out).toContain("host:host-ok");
  });

  it("lan: no cloud credential endpoint (all of link-local, 100.100.100.200) and not the API's port; the same listener on a LAN address answers", async () => {
    const out = (
      await s.client.exec(spaces.lan!, {
        command: `gw=$(ip route | awk '/^default/ {print $3}')
for a in ${CREDENTIAL_ENDPOINTS.join(" ")} ${ns.ip}; do echo "$a:$(curl -sS -m 5 http://$a:8082/index.html 2>&1 | head -c 120)"; done
echo "api:$(curl -sS -m 5 http://$gw:${apiPort}/ 2>&1 | head -c 120)"
echo "host:$(curl -sS -m 5 http://$gw:${hostPort}/ 2>&1 | head -c 120)"`,
        timeoutMs: 60_000,
      })
    ).stdout;
    for (const a of CREDENTIAL_ENDPOINTS) expect(out).toMatch(new RegExp(`^${a.replace(/\./g, "\\.")}:curl: \\(7\\)`, "m"));
    expect(out).toContain(`${ns.ip}:private-ok`);
    expect(out).toMatch(/^api:curl: \(7\)/m);
    expect(out).not.toContain("api-ok");
    expect(out).toContain("host:host-ok");
  });

  it("a flush of DOCKER-USER (a firewall reload) leaves internet spaces filtered, and the next reapply hooks the rules back", async () => {
    const { bridge } = networkNames(testNetworkPrefix(runId), "internet");
    iptables("-F", "DOCKER-USER");
    try {
      expect(iptables("-S", "DOCKER-USER")).not.toContain(bridge);
      const out = await probe(s, "inet");
      expect(out).toMatch(/^private:curl: \(7\)/m);
      expect(out).not.toContain("private-ok");
    } finally {
      await s.deps.network!.reapply();
    }
    expect(iptables("-S", "DOCKER-USER")).toContain(`-i ${bridge} -j ${chainsOf(bridge).forward}`);
    expect(iptables("-S", "FORWARD")).toContain(`-i ${bridge} -j ${chainsOf(bridge).forward}`);
  });

  it("IPv6 is off on both policy networks (the rules are IPv4): no address but loopback's, no route", async () => {
    for (const key of ["inet", "lan"]) {
      const out = await s.client.exec(spaces[key]!, { command: "cat /proc/sys/net/ipv6/conf/all/disable_ipv6; grep -v ' lo$' /proc/net/if_inet6; true" });
      expect(out.stdout).toBe("1\n");
      const info = await s.docker.getNetwork(networkNames(testNetworkPrefix(runId), key === "inet" ? "internet" : "lan").name).inspect();
      expect(info.EnableIPv6).toBe(false);
    }
  });

  it("none: no interface but loopback, nothing reachable", async () => {
    const out = await probe(s, "none");
    expect(out).toContain("links:lo \n");
    expect(out).not.toContain("private-ok");
    expect(out).not.toContain("host-ok");
  });

  it("the rules are scoped to our bridges: a container on the default bridge is untouched", async () => {
    const out = await probe(open, "open");
    expect(out).toContain("private:private-ok");
    const inspected = await s.docker.getContainer(`clawdspace-${spaces.inet}`).inspect();
    const prefix = testNetworkPrefix(runId);
    expect(Object.keys(inspected.NetworkSettings.Networks)).toEqual([networkNames(prefix, "internet").name]);
    const { bridge } = networkNames(prefix, "internet");
    expect(iptables("-S", "DOCKER-USER")).toContain(`-i ${bridge} -j ${chainsOf(bridge).forward}`);
    expect(iptables("-S", "INPUT")).toContain(`-i ${bridge} -j ${chainsOf(bridge).input}`);
    // no rule of ours without an interface match
    for (const line of iptables("-S", "DOCKER-USER").split("\n").filter((l) => l.includes("CSP-"))) expect(line).toMatch(/ -i \S+ -j CSP-/);
  });

  it("re-applying is idempotent, and removal leaves no chain, hook or network behind", async () => {
    const prefix = testNetworkPrefix(runId);
    const { bridge } = networkNames(prefix, "lan");
    const before = iptables("-S").split("\n").filter((l) => l.includes(bridge)).length;
    await s.deps.network!.reapply();
    expect(iptables("-S").split("\n").filter((l) => l.includes(bridge)).length).toBe(before);

    const extra = s.spaceName("gone");
    expect((await s.post("/api/spaces", { name: extra, memory: "256m", network: "lan" })).status).toBe(201);
    await s.removeSpace(extra);
    await s.removeSpace(spaces.lan!);
    delete spaces.lan;
    await s.deps.network!.remove("lan");
    expect(iptables("-S").split("\n").filter((l) => l.includes(bridge))).toEqual([]);
    await expect(s.docker.getNetwork(networkNames(prefix, "lan").name).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});
