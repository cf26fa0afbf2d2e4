import { describe, expect, it } from "vitest";
import { RuntimeError } from "../../src/engine/errors.js";
import { createSpace, expectError, issuePaths, makeApp } from "./helpers.js";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe("POST /api/spaces: the created space", () => {
  it("answers 201 {space} with the contract's fields", async () => {
    const t = makeApp();
    const before = Date.now();
    const res = await t.api.post("/api/spaces", { name: "alpha" });
    expect(res.status).toBe(201);
    const s = res.body.space;
    expect(s.name).toBe("alpha");
    expect(s.id).toMatch(/^[0-9a-f]{12}$/);
    expect(t.fake.containers.get("alpha")!.id.startsWith(s.id)).toBe(true);
    expect(s.status).toBe("running");
    expect(s.state).toBe("running");
    expect(new Date(s.created).toISOString()).toBe(s.created);
    expect(Date.parse(s.created)).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(s.started).toISOString()).toBe(s.started);
    expect(new Date(s.lastActivity).toISOString()).toBe(s.lastActivity);
    expect(s.image).toBe("clawdspace:latest");
    expect(s.memory).toBe(2 * GiB);
    expect(s.cpus).toBe(1);
    expect(s.volume).toEqual({ name: "clawdspace-vol-alpha", mountpoint: "/workspace" });
    expect(s.activity).toEqual({ lastAt: expect.any(String), lastSource: "create" });
    // a new space sleeps after the idle timeout (600 s in the test config) unless something keeps it awake
    const sleepsIn = Date.parse(s.sleepsAt) - Date.now();
    expect(sleepsIn).toBeGreaterThan(590_000);
    expect(sleepsIn).toBeLessThanOrEqual(600_000);
    expect(s.sleepBlockedBy).toEqual([]);
    expect(s.node).toBe("test-node");
    expect(s.gpu).toBe(false);
  });

  it.each([
    ["512m", 512 * MiB],
    ["1.5g", 1.5 * GiB],
    ["2G", 2 * GiB],
    ["8192k", 8 * MiB],
    [512, 512 * MiB],
    ["256", 256 * MiB],
  ])("memory %j is %d bytes", async (memory, bytes) => {
    const t = makeApp();
    const s = await createSpace(t, "mem", { memory });
    expect(s.memory).toBe(bytes);
    expect(t.fake.containers.get("mem")!.spec.memory).toBe(bytes);
  });

  it("takes cpus as a number or numeric string, gpu, env and image", async () => {
    const t = makeApp();
    t.fake.images.add("other:1");
    const s = await createSpace(t, "opts", { cpus: "2.5", env: { FOO: "bar" }, image: "other:1" });
    expect(s.cpus).toBe(2.5);
    expect(s.image).toBe("other:1");
    const spec = t.fake.containers.get("opts")!.spec;
    expect(spec.env).toEqual({ FOO: "bar" });
    expect(spec.cpus).toBe(2.5);
    expect(spec.image).toBe("other:1");
  });

  it("writes our labels on the container and the volume", async () => {
    const t = makeApp({ config: { extraLabels: { team: "blue" } } });
    await createSpace(t, "lab", { memory: "1g", cpus: 2 });
    const labels = t.fake.containers.get("lab")!.spec.labels;
    expect(labels["clawdspace.kind"]).toBe("space");
    expect(labels["clawdspace.space"]).toBe("lab");
    expect(labels["clawdspace.volume"]).toBe("clawdspace-vol-lab");
    expect(labels["clawdspace.memory"]).toBe(String(GiB));
    expect(labels["clawdspace.cpus"]).toBe("2");
    expect(labels.team).toBe("blue");
    const vol = t.fake.volumes.get("clawdspace-vol-lab")!;
    expect(vol.labels["clawdspace.kind"]).toBe("space-volume");
    expect(vol.labels["clawdspace.space"]).toBe("lab");
  });

  it("mounts the volume named clawdspace-vol-<name>", async () => {
    const t = makeApp();
    await createSpace(t, "vol");
    expect(t.fake.containers.get("vol")!.spec.volumeName).toBe("clawdspace-vol-vol");
    expect([...t.fake.volumes.keys()]).toEqual(["clawdspace-vol-vol"]);
  });
});

describe("POST /api/spaces: validation", () => {
  const t = makeApp();
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["missing name", {}, "name"],
    ["empty name", { name: "" }, "name"],
    ["64-char name", { name: "a".repeat(64) }, "name"],
    ["name starting with -", { name: "-abc" }, "name"],
    ["name starting with _", { name: "_abc" }, "name"],
    ["name with /", { name: "a/b" }, "name"],
    ["name with .", { name: "a.b" }, "name"],
    ["name with a space", { name: "a b" }, "name"],
    ["numeric name", { name: 123 }, "name"],
    ["null name", { name: null }, "name"],
    ["memory abc", { name: "ok", memory: "abc" }, "memory"],
    ["memory -1g", { name: "ok", memory: "-1g" }, "memory"],
    ["memory 0", { name: "ok", memory: "0" }, "memory"],
    ["memory number 0", { name: "ok", memory: 0 }, "memory"],
    ["memory 512b", { name: "ok", memory: "512b" }, "memory"],
    ["memory as object", { name: "ok", memory: { size: 1 } }, "memory"],
    ["memory below 6m", { name: "ok", memory: "5m" }, "memory"],
    ["memory above host", { name: "ok", memory: "17g" }, "memory"],
    ["cpus 0", { name: "ok", cpus: 0 }, "cpus"],
    ["cpus -1", { name: "ok", cpus: -1 }, "cpus"],
    ["cpus x", { name: "ok", cpus: "x" }, "cpus"],
    ["cpus above host", { name: "ok", cpus: 5 }, "cpus"],
    ["env with a bad name", { name: "ok", env: { "1BAD": "x" } }, "env"],
    ["env with a dash in the name", { name: "ok", env: { "A-B": "x" } }, "env"],
    ["env with a number value", { name: "ok", env: { A: 1 } }, "env"],
    ["env as a string", { name: "ok", env: "A=1" }, "env"],
    ["image with spaces", { name: "ok", image: "bad image" }, "image"],
    ["gpu yes", { name: "ok", gpu: "yes" }, "gpu"],
  ];

  it.each(cases)("%s -> 400 naming %s", async (_label, body, field) => {
    const res = await t.api.post("/api/spaces", body);
    expectError(res, 400, "VALIDATION_FAILED");
    expect(issuePaths(res).some((p) => p === field || p.startsWith(`${field}.`)), JSON.stringify(res.body)).toBe(true);
    expect(res.body.error).toContain(field);
    expect(t.fake.containers.size).toBe(0);
    expect(t.fake.volumes.size).toBe(0);
  });

  it("accepts a 63-char name (the upper bound)", async () => {
    const name = `a${"b".repeat(62)}`;
    const s = await createSpace(makeApp(), name);
    expect(s.name).toBe(name);
  });

  it("checks limits against the host the fake reports", async () => {
    const small = makeApp();
    small.fake.hostCpus = 2;
    small.fake.hostMemory = 4 * GiB;
    expect(issuePaths(await small.api.post("/api/spaces", { name: "a", cpus: 3 }))).toContain("cpus");
    expect(issuePaths(await small.api.post("/api/spaces", { name: "a", memory: "5g" }))).toContain("memory");
    expect((await small.api.post("/api/spaces", { name: "a", cpus: 2, memory: "4g" })).status).toBe(201);
  });

  it("a non-JSON body is a 400", async () => {
    const res = await t.api.post("/api/spaces").set("Content-Type", "application/json").send('{"name": ');
    expectError(res, 400, "VALIDATION_FAILED");
  });

  it.each([["null"], ["[]"], ['"alpha"'], ["42"]])("a JSON body %s that is not an object is a 400", async (raw) => {
    const res = await t.api.post("/api/spaces").set("Content-Type", "application/json").send(raw);
    expectError(res, 400, "VALIDATION_FAILED");
  });

  it("a text/plain body is a 415", async () => {
    const res = await t.api.post("/api/spaces").set("Content-Type", "text/plain").send('{"name":"plain"}');
    expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(t.fake.containers.has("plain")).toBe(false);
  });

  it("a body over the limit is a 413", async () => {
    const res = await t.api.post("/api/spaces", { name: "big", env: { BIG: "x".repeat(1024 * 1024 + 10) } });
    expectError(res, 413, "PAYLOAD_TOO_LARGE");
    expect(t.fake.containers.has("big")).toBe(false);
  });
});

describe("POST /api/spaces: engine refusals and conflicts", () => {
  it("an image missing on the node is 400 IMAGE_NOT_FOUND and leaves nothing behind", async () => {
    const t = makeApp();
    const res = await t.api.post("/api/spaces", { name: "noimg", image: "nope:1" });
    expectError(res, 400, "IMAGE_NOT_FOUND");
    expect(res.body.error).toContain("nope:1");
    expect(t.fake.containers.size).toBe(0);
    expect(t.fake.volumes.size).toBe(0);
    expect(t.fake.callCounts().pull ?? 0).toBe(0);
  });

  it("an existing name is 409 SPACE_EXISTS and keeps the first space and its volume", async () => {
    const t = makeApp();
    const first = await createSpace(t, "dup");
    const res = await t.api.post("/api/spaces", { name: "dup", memory: "1g" });
    expectError(res, 409, "SPACE_EXISTS");
    expect(t.fake.containers.get("dup")!.id.slice(0, 12)).toBe(first.id);
    expect(t.fake.containers.get("dup")!.spec.memory).toBe(2 * GiB);
    expect(t.fake.volumes.has("clawdspace-vol-dup")).toBe(true);
  });

  it("20 concurrent creates of one name: exactly one 201, 19 409s", async () => {
    const t = makeApp();
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.api.post("/api/spaces", { name: "race" })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of answers.filter((a) => a.status === 409)) expectError(r, 409, "SPACE_EXISTS");
    expect(t.fake.containers.size).toBe(1);
    expect(t.fake.volumes.size).toBe(1);
  });

  it("a volume with our name but not our label is a 409 and is left alone", async () => {
    const t = makeApp();
    t.fake.volumes.set("clawdspace-vol-foreign", { name: "clawdspace-vol-foreign", mountpoint: "/v", labels: {} });
    expectError(await t.api.post("/api/spaces", { name: "foreign" }), 409, "SPACE_EXISTS");
    expect(t.fake.volumes.get("clawdspace-vol-foreign")!.labels).toEqual({});
    expect(t.fake.containers.size).toBe(0);
  });

  it.each([
    ["a plain error", new Error("start exploded")],
    ["a runtime error", new RuntimeError("start exploded")],
  ])("a start that fails with %s rolls back the container and the volume", async (_l, err) => {
    const t = makeApp();
    t.fake.failNext("start", err);
    const res = await t.api.post("/api/spaces", { name: "doomed" });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(typeof res.body.error).toBe("string");
    expect(typeof res.body.code).toBe("string");
    expect(t.fake.containers.has("doomed")).toBe(false);
    expect(t.fake.volumes.has("clawdspace-vol-doomed")).toBe(false);
    // and the name is free again
    expect((await t.api.post("/api/spaces", { name: "doomed" })).status).toBe(201);
  });

  it("a failed create that adopted an existing volume of ours keeps it", async () => {
    const t = makeApp();
    await t.fake.engine.volumes.create("clawdspace-vol-keep", { "clawdspace.space": "keep" });
    const before = t.fake.volumes.get("clawdspace-vol-keep");
    t.fake.failNext("start", new Error("boom"));
    const res = await t.api.post("/api/spaces", { name: "keep" });
    expect(res.status).not.toBe(201);
    expect(t.fake.containers.has("keep")).toBe(false);
    expect(t.fake.volumes.get("clawdspace-vol-keep")).toBe(before);
  });

  it("a failed image check keeps an adopted volume too", async () => {
    const t = makeApp();
    await t.fake.engine.volumes.create("clawdspace-vol-keep2", {});
    expectError(await t.api.post("/api/spaces", { name: "keep2", image: "missing:1" }), 400, "IMAGE_NOT_FOUND");
    expect(t.fake.volumes.has("clawdspace-vol-keep2")).toBe(true);
  });

  it("a successful create adopts an existing volume of ours", async () => {
    const t = makeApp();
    await t.fake.engine.volumes.create("clawdspace-vol-old", {});
    const s = await createSpace(t, "old");
    expect(s.volume.name).toBe("clawdspace-vol-old");
    expect(s.volume.mountpoint).toBe("/workspace");
    expect(t.fake.callCounts().volumeCreate ?? 0).toBe(1);
  });
});
