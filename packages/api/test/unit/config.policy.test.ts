import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { EXTRA_CA_DIR, extraCaMount } from "../../src/spaces/extraCa.js";

const base = { HOME: "/home/tester" };
const fails = (env: Record<string, string>, variable: string) => {
  try {
    loadConfig({ ...base, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).problems.join("\n")).toContain(variable);
    return;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe("network and CA settings", () => {
  it("defaults: policy on, prefix clawdsp, helper image, no extra CA", () => {
    const cfg = loadConfig(base);
    expect(cfg.network).toEqual({ policy: true, prefix: "clawdsp", helperImage: "clawdspace/netpolicy:latest", dnsServers: undefined, reapplyMs: 60_000, watchMs: 2000 });
    expect(loadConfig({ ...base, CLAWDSPACE_DNS_SERVERS: "10.0.0.2, 192.168.1.1" }).network.dnsServers).toEqual(["10.0.0.2", "192.168.1.1"]);
    expect(cfg.extraCa).toBeUndefined();
  });

  it("refuses a prefix that would not fit a bridge name, and a relative CA path", () => {
    fails({ CLAWDSPACE_NETWORK_PREFIX: "waytoolongprefix" }, "CLAWDSPACE_NETWORK_PREFIX");
    fails({ CLAWDSPACE_NETWORK_PREFIX: "Bad-Name" }, "CLAWDSPACE_NETWORK_PREFIX");
    fails({ CLAWDSPACE_EXTRA_CA: "certs/ca.pem" }, "CLAWDSPACE_EXTRA_CA");
    fails({ CLAWDSPACE_NETWORK_POLICY: "maybe" }, "CLAWDSPACE_NETWORK_POLICY");
    fails({ CLAWDSPACE_DNS_SERVERS: "10.0.0.2,dns.example" }, "CLAWDSPACE_DNS_SERVERS");
    expect(loadConfig({ ...base, CLAWDSPACE_NETWORK_POLICY: "false" }).network.policy).toBe(false);
  });

  it("mounts a bundle as one .crt and a folder whole; a missing path is an error, none is nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "ca-"));
    writeFileSync(join(dir, "bundle.pem"), "x");
    expect(extraCaMount(join(dir, "bundle.pem"))).toEqual({ source: join(dir, "bundle.pem"), target: `${EXTRA_CA_DIR}/operator-ca.crt`, readOnly: true });
    expect(extraCaMount(dir)).toEqual({ source: dir, target: EXTRA_CA_DIR, readOnly: true });
    expect(extraCaMount("none")).toBeUndefined();
    expect(extraCaMount(undefined)).toBeUndefined();
    expect(() => extraCaMount(join(dir, "missing.pem"))).toThrow(/does not exist/);
  });
});

describe("extra CA at create (fake runtime)", () => {
  it("binds the bundle read-only and adds it to the system store as root, except on a read-only root", async () => {
    const { createSpace, makeApp } = await import("./helpers.js");
    const dir = mkdtempSync(join(tmpdir(), "ca-"));
    writeFileSync(join(dir, "ca.pem"), "x");
    const t = makeApp({ config: { extraCa: join(dir, "ca.pem") } });
    await createSpace(t, "a");
    expect(t.fake.containers.get("a")!.spec.binds).toEqual([{ source: join(dir, "ca.pem"), target: `${EXTRA_CA_DIR}/operator-ca.crt`, readOnly: true }]);
    const trust = t.fake.execLog.filter((e) => e.spec.argv[0] === "/usr/sbin/update-ca-certificates");
    expect(trust).toHaveLength(1);
    expect(trust[0]!.spec.user).toBe("0:0");
    await createSpace(t, "ro", { writableRootfs: false });
    expect(t.fake.execLog.filter((e) => e.space === "ro" && e.spec.argv[0] === "/usr/sbin/update-ca-certificates")).toHaveLength(0);
    const plain = makeApp();
    await createSpace(plain, "b");
    expect(plain.fake.containers.get("b")!.spec.binds).toEqual([]);
    expect(plain.fake.execLog).toHaveLength(0);
  });
});
