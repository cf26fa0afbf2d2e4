import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { plainHttpSafe } from "../../src/nodes/nodeConfig.js";
import { makeApp } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "nodes-config-"));
const secretFile = join(dir, "secret");
writeFileSync(secretFile, "s".repeat(40));
const base = { CLAWDSPACE_DATA_DIR: dir, CLAWDSPACE_CLUSTER_SECRET_FILE: secretFile };
const problems = (env: Record<string, string>) => {
  try {
    loadConfig({ ...base, ...env });
  } catch (err) {
    return (err as ConfigError).problems.join("\n");
  }
  return "";
};

describe("config: nodes", () => {
  it("parses name=url pairs, reads the secret from its file, and keeps defaults", () => {
    const cfg = loadConfig({ ...base, CLAWDSPACE_NODE: "ws", CLAWDSPACE_NODES: "ws=http://127.0.0.1:7777, gpu=https://gpu.example:7777,vps=http://100.100.3.4:7777/" });
    expect(cfg.nodes).toMatchObject({
      self: "ws",
      peers: [
        { name: "ws", url: "http://127.0.0.1:7777" },
        { name: "gpu", url: "https://gpu.example:7777" },
        { name: "vps", url: "http://100.100.3.4:7777" },
      ],
      secret: "s".repeat(40),
      allowHttp: false,
      tailscale: "auto",
      healthMs: 5000,
      deadlineMs: 2000,
    });
  });

  it("refuses plain http outside loopback and the tailnet unless allowed, and malformed entries", () => {
    expect(problems({ CLAWDSPACE_NODES: "lan=http://192.168.1.5:7777" })).toContain("CLAWDSPACE_NODES_ALLOW_HTTP");
    expect(problems({ CLAWDSPACE_NODES: "lan=http://192.168.1.5:7777", CLAWDSPACE_NODES_ALLOW_HTTP: "true" })).toBe("");
    expect(problems({ CLAWDSPACE_NODES: "nourl" })).toContain("name=url");
    expect(problems({ CLAWDSPACE_NODES: "x=ftp://h" })).toContain("http:// or https://");
    expect(problems({ CLAWDSPACE_NODES: "x=https://h/api" })).toContain("base URL");
    expect(problems({ CLAWDSPACE_NODES: "x=https://h,x=https://i" })).toContain("given twice");
    expect(problems({ NODES_DEADLINE_MS: "5" })).toContain("NODES_DEADLINE_MS");
    expect(problems({ CLAWDSPACE_NODES_TAILSCALE: "maybe" })).toContain("auto, on or off");
  });

  it("needs a secret file of at least 32 characters when peers are configured", () => {
    const short = join(dir, "short");
    writeFileSync(short, "tooshort");
    expect(() => loadConfig({ CLAWDSPACE_DATA_DIR: dir, CLAWDSPACE_NODES: "b=http://127.0.0.1:1" })).toThrow(/CLAWDSPACE_CLUSTER_SECRET_FILE: is required/);
    expect(problems({ CLAWDSPACE_CLUSTER_SECRET_FILE: short })).toContain("at least 32 characters");
    expect(problems({ CLAWDSPACE_CLUSTER_SECRET_FILE: join(dir, "missing") })).toContain("cannot read");
  });

  it("plain http is safe on loopback and 100.64.0.0/10 only", () => {
    for (const h of ["127.0.0.1", "localhost", "[::1]", "100.64.0.1", "100.127.255.254"]) expect(plainHttpSafe(h), h).toBe(true);
    for (const h of ["100.63.255.255", "100.128.0.1", "10.0.0.1", "example.com", "169.254.169.254"]) expect(plainHttpSafe(h), h).toBe(false);
  });
});

describe("a node standing alone", () => {
  it("creates a space pinned to itself, and refuses a pin to another node with a 400 on node", async () => {
    const t = makeApp();
    await t.api.post("/api/spaces", { name: "here", node: "test-node" }).expect(201);
    const res = await t.api.post("/api/spaces", { name: "there", node: "gpu" }).expect(400);
    expect(res.body).toMatchObject({ code: "VALIDATION_FAILED", details: { issues: [{ path: "node" }] } });
    expect(t.fake.containers.size).toBe(1);
    await t.api.get("/api/cluster/self").expect(404);
  });
});
