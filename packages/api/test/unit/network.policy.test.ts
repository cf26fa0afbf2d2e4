import { describe, expect, it } from "vitest";
import { applyScript, chainsOf, removeScript, resolversOf } from "../../src/network/rules.js";
import { createSpace, makeApp } from "./helpers.js";

const policyConfig = { network: { policy: true, prefix: "cstest", helperImage: "clawdspace/netpolicy:test", dnsServers: undefined, reapplyMs: 0, watchMs: 2000 } };

describe("network rules", () => {
  it("internet refuses private ranges, link-local and the host, but lets DNS reach a private resolver", () => {
    const script = applyScript({ mode: "internet", bridge: "cstest-inet", resolvers: ["10.255.255.53", "8.8.8.8", "not-an-ip"] });
    const { forward, input } = chainsOf("cstest-inet");
    for (const range of ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"]) {
      expect(script).toContain(`-A ${forward} -d ${range} -p tcp -j REJECT`);
    }
    expect(script).toContain(`-A ${forward} -d 10.255.255.53/32 -p udp --dport 53 -j RETURN`);
    expect(script).toContain(`-A ${forward} -d 10.255.255.53/32 -p tcp --dport 53 -j RETURN`);
    expect(script).not.toContain("8.8.8.8");
    // the DNS exception comes before the refusal of its range
    expect(script.indexOf("10.255.255.53/32")).toBeLessThan(script.indexOf("-d 10.0.0.0/8"));
    expect(script).toContain(`-A ${input} -p tcp -j REJECT`);
    // hooked in only for our bridge
    expect(script).toContain(`-I DOCKER-USER 1 -i cstest-inet -j ${forward}`);
    // and from FORWARD itself, so a flush of DOCKER-USER leaves the space filtered
    expect(script).toContain(`-I FORWARD 1 -i cstest-inet -j ${forward}`);
    expect(script).toContain(`-I INPUT 1 -i cstest-inet -j ${input}`);
    for (const line of script.split("\n").filter((l) => /DOCKER-USER|FORWARD |INPUT /.test(l))) expect(line).toContain("-i cstest-inet");
  });

  it("lan refuses every credential endpoint (all of link-local, Alibaba's metadata) and the API's port, and leaves the rest of the host and LAN reachable", () => {
    const script = applyScript({ mode: "lan", bridge: "cstest-lan", resolvers: [], apiPort: 7777 });
    expect(script).toContain("-d 169.254.0.0/16 -p tcp -j REJECT");
    expect(script).toContain("-d 169.254.0.0/16 -j REJECT");
    expect(script).toContain("-d 100.100.100.200/32 -p tcp -j REJECT");
    expect(script).toContain("-A CSP-cstest-lan-IN -p tcp --dport 7777 -j REJECT");
    expect(script).not.toContain("10.0.0.0/8");
    expect(script).not.toMatch(/-A CSP-cstest-lan-IN -p tcp -j REJECT/);
    // Before the server knows its port there is no port rule (and no malformed one).
    expect(applyScript({ mode: "lan", bridge: "cstest-lan", resolvers: [] })).not.toContain("--dport");
    expect(applyScript({ mode: "lan", bridge: "cstest-lan", resolvers: [], apiPort: 70000 })).not.toContain("--dport");
  });

  it("refuses a bridge name that could smuggle shell or options", () => {
    for (const bad of ["a;rm -rf /", "-x", "a b", "x".repeat(16)]) {
      expect(() => applyScript({ mode: "lan", bridge: bad, resolvers: [] })).toThrow();
      expect(() => removeScript(bad)).toThrow();
    }
  });

  it("reads nameservers from resolv.conf", () => {
    expect(resolversOf("# c\nnameserver 10.0.0.2\nsearch x\nnameserver  1.1.1.1\nnameserver ::1\n")).toEqual(["10.0.0.2", "1.1.1.1"]);
  });
});

describe("NetworkPolicy with the fake runtime", () => {
  it("puts spaces of each mode on their own network, set up once through a NET_ADMIN helper on the host network", async () => {
    const t = makeApp({ config: policyConfig });
    await createSpace(t, "a", { network: "internet" });
    await createSpace(t, "b", { network: "internet" });
    await createSpace(t, "c", { network: "lan" });
    await createSpace(t, "d", { template: "offline" });
    expect(t.fake.containers.get("a")!.spec.networkName).toBe("cstest-internet");
    expect(t.fake.containers.get("b")!.spec.networkName).toBe("cstest-internet");
    expect(t.fake.containers.get("c")!.spec.networkName).toBe("cstest-lan");
    expect(t.fake.containers.get("d")!.spec.networkName).toBeUndefined();
    expect([...t.fake.networks.keys()].sort()).toEqual(["cstest-internet", "cstest-lan"]);
    expect(t.fake.networks.get("cstest-internet")!.bridge).toBe("cstest-inet");
    expect(t.fake.helperLog).toHaveLength(2);
    for (const h of t.fake.helperLog) expect(h).toMatchObject({ image: "clawdspace/netpolicy:test", capAdd: ["NET_ADMIN", "NET_RAW"], hostNetwork: true });
  });

  it("a failing helper fails the create before anything is made, and the next create retries", async () => {
    const t = makeApp({ config: policyConfig });
    t.fake.helperHandler = () => ({ exitCode: 3, output: "iptables: Permission denied" });
    const res = await t.api.post("/api/spaces", { name: "x", network: "internet" });
    expect(res.status).toBe(502);
    expect(res.body.code).toBe("RUNTIME_ERROR");
    expect(t.fake.containers.size + t.fake.volumes.size).toBe(0);
    t.fake.helperHandler = () => ({ exitCode: 0, output: "applied" });
    await createSpace(t, "x", { network: "internet" });
  });

  it("takes the DNS servers from CLAWDSPACE_DNS_SERVERS over resolv.conf", async () => {
    const t = makeApp({ config: { network: { ...policyConfig.network, dnsServers: ["192.168.7.53"] } } });
    await createSpace(t, "a", { network: "internet" });
    expect(t.fake.helperLog[0]!.argv[2]).toContain("-d 192.168.7.53/32 -p udp --dport 53 -j RETURN");
  });

  it("reapply applies the rules again each time (a flushed firewall is repaired), with the API's port once known", async () => {
    const t = makeApp({ config: policyConfig });
    await createSpace(t, "a", { network: "lan" });
    expect(t.fake.helperLog).toHaveLength(1);
    t.deps.network!.setApiPort(7777);
    await t.deps.network!.reapply();
    await t.deps.network!.reapply();
    expect(t.fake.helperLog).toHaveLength(3);
    expect(t.fake.helperLog.at(-1)!.argv[2]).toContain("--dport 7777 -j REJECT");
    // Spaces made afterwards still join the network, with no apply of their own.
    await createSpace(t, "b", { network: "lan" });
    expect(t.fake.helperLog).toHaveLength(3);
  });

  it("remove unhooks the rules and deletes the network", async () => {
    const t = makeApp({ config: policyConfig });
    await createSpace(t, "a", { network: "lan" });
    await t.api.delete("/api/spaces/a");
    await t.deps.network!.remove("lan");
    expect(t.fake.networks.size).toBe(0);
    expect(t.fake.helperLog.at(-1)!.argv[2]).toContain("-D DOCKER-USER -i cstest-lan");
    expect(t.fake.helperLog.at(-1)!.argv[2]).toContain("-D FORWARD -i cstest-lan");
  });

  it("a remove asked while a reapply runs waits for it: the reapply cannot make the network again behind it", async () => {
    const t = makeApp({ config: policyConfig });
    await createSpace(t, "a", { network: "lan" });
    await t.api.delete("/api/spaces/a");
    // Both at once, as the guard's or the timer's reapply and a cleanup can be.
    await Promise.all([t.deps.network!.reapply(), t.deps.network!.remove("lan")]);
    expect(t.fake.networks.size).toBe(0);
    expect(t.fake.helperLog.at(-1)!.argv[2]).toContain("-D DOCKER-USER -i cstest-lan");
  });
});
