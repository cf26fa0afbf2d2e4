import { describe, expect, it } from "vitest";
import { makeApp } from "./helpers.js";

const GiB = 1024 ** 3;

describe("POST /api/spaces with a built-in template", () => {
  it("records template default and network internet when none is named", async () => {
    const t = makeApp();
    const res = await t.api.post("/api/spaces", { name: "plain" });
    expect(res.status).toBe(201);
    expect(res.body.space).toMatchObject({ template: "default", network: "internet", memory: 2 * GiB, cpus: 1 });
    expect(t.fake.containers.get("plain")!.spec.network).toBe("internet");
  });

  it("offline means no network at all", async () => {
    const t = makeApp();
    const res = await t.api.post("/api/spaces", { name: "off", template: "offline" });
    expect(res.status).toBe(201);
    expect(res.body.space).toMatchObject({ template: "offline", network: "none" });
    expect(t.fake.containers.get("off")!.spec.network).toBe("none");
    expect(t.fake.containers.get("off")!.spec.labels["clawdspace.network"]).toBe("none");
  });

  it("gpu brings its resources, and request fields override them", async () => {
    const t = makeApp();
    t.fake.runtimes.push("nvidia");
    const gpu = await t.api.post("/api/spaces", { name: "g", template: "gpu" });
    expect(gpu.status).toBe(201);
    expect(gpu.body.space).toMatchObject({ template: "gpu", gpu: true, memory: 8 * GiB, cpus: 4 });
    const smaller = await t.api.post("/api/spaces", { name: "g2", template: "gpu", memory: "1g", cpus: 2, gpu: false });
    expect(smaller.body.space).toMatchObject({ template: "gpu", gpu: false, memory: GiB, cpus: 2 });
  });

  it("refuses an unknown template with a 400 naming the field, and makes nothing", async () => {
    const t = makeApp();
    const res = await t.api.post("/api/spaces", { name: "x", template: "nosuch" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(res.body.details.issues[0].path).toBe("template");
    expect(t.fake.containers.size).toBe(0);
    expect(t.fake.volumes.size).toBe(0);
  });
});
