import { CapabilitiesSchema, NodeListSchema, SystemSchema } from "@clawdspace/shared";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createSpace, makeApp } from "./helpers.js";

describe("GET /api/system", () => {
  it("answers the contract's shape with human strings and bytes", async () => {
    const t = makeApp();
    await createSpace(t, "one");
    await createSpace(t, "two");
    await t.api.post("/api/spaces/two/stop");
    const res = await t.api.get("/api/system");
    expect(res.status).toBe(200);
    const parsed = SystemSchema.safeParse(res.body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(res.body.loadAverage).toHaveLength(3);
    expect(res.body.memory.total).toMatch(/^\d+(\.\d)? (B|KB|MB|GB|TB|PB)$/);
    expect(res.body.memory.percentage).toMatch(/^\d+\.\d%$/);
    expect(res.body.docker).toMatchObject({ version: "fake", containers: 2, containersRunning: 1, containersPaused: 1, images: 1 });
    expect(res.body.bytes.memory.total).toBeGreaterThan(0);
    expect(res.body.bytes.memory.used).toBe(res.body.bytes.memory.total - res.body.bytes.memory.free);
    // dataDir is the OS temp dir, which exists, so disk figures are present
    expect(res.body.disk).not.toBeNull();
    expect(res.body.disk.percentage).toMatch(/%$/);
  });

  it("measures the nearest existing parent when the data dir does not exist yet (first start)", async () => {
    const t = makeApp({ config: { dataDir: "/definitely/not/here" } });
    const root = makeApp({ config: { dataDir: "/" } });
    const res = await t.api.get("/api/system");
    expect(res.status).toBe(200);
    expect(res.body.bytes.disk.total).toBeGreaterThan(0);
    expect(res.body.bytes.disk.total).toBe((await root.api.get("/api/system")).body.bytes.disk.total);
  });
});

describe("GET /api/system/capabilities", () => {
  it("answers the engine's cpus and memory in bytes", async () => {
    const t = makeApp();
    t.fake.hostCpus = 12;
    t.fake.hostMemory = 64 * 1024 ** 3;
    const res = await t.api.get("/api/system/capabilities");
    expect(res.status).toBe(200);
    expect(CapabilitiesSchema.safeParse(res.body).success).toBe(true);
    expect(res.body.cpus).toBe(12);
    expect(res.body.memory).toBe(64 * 1024 ** 3);
    expect(res.body.gpu).toBe(false);
  });
});

describe("GET /api/nodes", () => {
  it("lists this node alone, online, with its capabilities", async () => {
    const t = makeApp();
    t.fake.hostCpus = 6;
    const res = await t.api.get("/api/nodes");
    expect(res.status).toBe(200);
    expect(NodeListSchema.safeParse(res.body).success).toBe(true);
    expect(res.body.nodes).toHaveLength(1);
    expect(res.body.nodes[0]).toMatchObject({ name: "test-node", status: "online", capabilities: { cpus: 6 } });
    expect(res.body.nodes[0].url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(res.body.nodes[0].latencyMs).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(res.body.lastUpdatedAt))).toBe(false);
  });

  it("reports the node offline when its engine does not answer", async () => {
    const t = makeApp();
    t.fake.available = false;
    const res = await t.api.get("/api/nodes");
    expect(res.status).toBe(200);
    expect(res.body.nodes[0]).toMatchObject({ status: "offline", latencyMs: null });
    expect(res.body.nodes[0].capabilities).toBeUndefined();
  });

  it("needs the key", async () => {
    const t = makeApp();
    const res = await request(t.app).get("/api/nodes");
    expect(res.status).toBe(401);
  });
});
