import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/http/logger.js";
import { deviceRequestsOf } from "../../src/engine/docker/containerSpec.js";
import type { ExecSpec } from "../../src/engine/ports/exec.js";
import { createSpace, expectError, issuePaths, makeApp, type TestApp } from "./helpers.js";

const GiB = 1024 ** 3;
const MIN = 60_000;

async function withTemplate(t: TestApp, body: Record<string, unknown>) {
  const res = await t.api.put("/api/templates", body);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

const specOf = (t: TestApp, name: string) => t.fake.containers.get(name)!.spec;

describe("create from a template", () => {
  it("takes the template's settings and records them as labels and in the space", async () => {
    const t = makeApp();
    t.fake.runtimes.push("runsc");
    await withTemplate(t, {
      name: "dev",
      resources: { memory: "1g", cpus: 2 },
      security: { privileges: "relaxed", writableRootfs: false, runtime: "runsc" },
      network: { mode: "lan" },
      sleep: { idleTimeout: "5m", hibernateAfter: "1h" },
      env: { EDITOR: "vim", MODE: "template" },
    });
    const s = await createSpace(t, "d1", { template: "dev" });
    expect(s).toMatchObject({
      template: "dev",
      memory: GiB,
      cpus: 2,
      network: "lan",
      runtime: "runsc",
      privileges: "relaxed",
      writableRootfs: false,
      idleTimeoutMs: 5 * MIN,
      hibernateAfterMs: 60 * MIN,
    });
    const spec = specOf(t, "d1");
    expect(spec).toMatchObject({ runtime: "runsc", privileges: "relaxed", readOnlyRootfs: true, network: "lan", env: { EDITOR: "vim", MODE: "template" } });
    expect(spec.labels).toMatchObject({
      "clawdspace.template": "dev",
      "clawdspace.runtime": "runsc",
      "clawdspace.privileges": "relaxed",
      "clawdspace.writable-rootfs": "false",
      "clawdspace.idle-timeout-ms": String(5 * MIN),
      "clawdspace.hibernate-after-ms": String(60 * MIN),
    });
    // listing reads the same from labels, without an inspect
    const listed = (await t.api.get("/api/spaces")).body.spaces[0];
    expect(listed).toMatchObject({ template: "dev", runtime: "runsc", privileges: "relaxed", idleTimeoutMs: 5 * MIN });
  });

  it("request fields override the template, env name by name", async () => {
    const t = makeApp();
    await withTemplate(t, { name: "dev", resources: { memory: "1g", cpus: 2 }, network: { mode: "lan" }, security: { privileges: "relaxed" }, env: { A: "t", B: "t" } });
    const s = await createSpace(t, "d2", {
      template: "dev",
      memory: "512m",
      cpus: 1,
      network: "none",
      privileges: "strict",
      writableRootfs: true,
      env: { B: "req", C: "req" },
    });
    expect(s).toMatchObject({ template: "dev", memory: 512 * 1024 ** 2, cpus: 1, network: "none", privileges: "strict", writableRootfs: true });
    expect(specOf(t, "d2").env).toEqual({ A: "t", B: "req", C: "req" });
  });

  it("a space made without a template gets default, strict, runc, writable, server sleep policy", async () => {
    const t = makeApp();
    const s = await createSpace(t, "plain");
    expect(s).toMatchObject({ template: "default", runtime: "runc", privileges: "strict", writableRootfs: true, network: "internet" });
    expect(s.idleTimeoutMs).toBeUndefined();
    expect(specOf(t, "plain")).toMatchObject({ privileges: "strict", readOnlyRootfs: false, runtime: "runc", gpu: false });
  });

  it("a runtime the engine lacks is a 400 at create, and nothing is made", async () => {
    const t = makeApp();
    const res = await t.api.post("/api/spaces", { name: "x", runtime: "runsc" });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(issuePaths(res)).toEqual(["runtime"]);
    expect(t.fake.containers.size + t.fake.volumes.size).toBe(0);
  });
});

describe("the sleep worker honours a template's timeouts per space", () => {
  it("a 2-minute template space pauses long before a server-default one", async () => {
    let now = Date.parse("2031-01-01T00:00:00Z");
    const t = makeApp({ clock: () => now });
    t.fake.execHandler = () => ({ stdout: "", exitCode: 0 });
    await withTemplate(t, { name: "quick", sleep: { idleTimeout: "2m", hibernateAfter: "3m" } });
    await createSpace(t, "fast", { template: "quick" });
    await createSpace(t, "slow");
    const fast = (await t.api.get("/api/spaces/fast")).body.space;
    expect(Date.parse(fast.sleepsAt) - now).toBe(2 * MIN);
    now += 2 * MIN + 1000;
    await t.deps.worker.tick();
    now += 15_000;
    await t.deps.worker.tick();
    expect(t.fake.containers.get("fast")!.state).toBe("paused");
    expect(t.fake.containers.get("slow")!.state).toBe("running");
    now += 3 * MIN + 1000;
    await t.deps.worker.tick();
    expect(t.fake.containers.get("fast")!.state).toBe("stopped");
    expect(t.fake.containers.get("slow")!.state).toBe("running");
  });
});

describe("GPU requests", () => {
  it("is a 400 that says why on a node without a GPU runtime, and makes nothing", async () => {
    const t = makeApp();
    for (const body of [{ gpu: true }, { template: "gpu" }, { gpu: { count: 1 } }]) {
      const res = await t.api.post("/api/spaces", { name: "g", ...body });
      expectError(res, 400, "VALIDATION_FAILED");
      expect(issuePaths(res)).toEqual(["gpu"]);
      expect(res.body.error).toMatch(/no GPU runtime/);
    }
    expect(t.fake.containers.size + t.fake.volumes.size).toBe(0);
    expect((await t.api.get("/api/system/capabilities")).body).toMatchObject({ gpu: false, runtimes: ["runc"] });
  });

  it("where the node has one: all, a count, or device ids, as Docker device requests", async () => {
    const t = makeApp();
    t.fake.runtimes.push("nvidia");
    expect((await t.api.get("/api/system/capabilities")).body).toMatchObject({ gpu: true, runtimes: ["nvidia", "runc"] });
    await createSpace(t, "all", { gpu: true });
    await createSpace(t, "two", { gpu: { count: 2 } });
    await createSpace(t, "ids", { gpu: { deviceIds: ["0", "GPU-3f2a"] } });
    await createSpace(t, "none", { gpu: false });
    expect(specOf(t, "all").gpu).toEqual({ count: -1 });
    expect(specOf(t, "two").gpu).toEqual({ count: 2 });
    expect(specOf(t, "ids").gpu).toEqual({ deviceIds: ["0", "GPU-3f2a"] });
    expect(specOf(t, "none").gpu).toBe(false);
    expect(deviceRequestsOf({ count: -1 })).toEqual([{ Driver: "", Count: -1, Capabilities: [["gpu"]] }]);
    expect(deviceRequestsOf({ count: 2 })).toEqual([{ Driver: "", Count: 2, Capabilities: [["gpu"]] }]);
    expect(deviceRequestsOf({ deviceIds: ["0", "GPU-3f2a"] })).toEqual([{ Driver: "", DeviceIDs: ["0", "GPU-3f2a"], Capabilities: [["gpu"]] }]);
    expect(deviceRequestsOf(false)).toBeUndefined();
    // the space's user stays non-root: privileges are strict unless a template relaxes them
    expect(specOf(t, "two").privileges).toBe("strict");
    expect((await t.api.get("/api/spaces/two")).body.space.gpu).toBe(true);
  });

  it("reads the engine's runtimes once, not per request", async () => {
    const t = makeApp();
    t.fake.runtimes.push("nvidia");
    for (let i = 0; i < 3; i++) await t.api.get("/api/system/capabilities");
    await createSpace(t, "g1", { gpu: true });
    await createSpace(t, "g2", { gpu: true });
    expect(t.fake.callCounts().info).toBe(1);
  });

  it.each([{ count: 0 }, { count: 1.5 }, { deviceIds: [] }, { deviceIds: ["-x"] }, {}, "yes"])("refuses gpu %j", async (gpu) => {
    const t = makeApp();
    t.fake.runtimes.push("nvidia");
    expectError(await t.api.post("/api/spaces", { name: "g", gpu }), 400, "VALIDATION_FAILED");
  });
});

describe("exec as root", () => {
  it("is refused in a strict space (403) and runs as 0:0 in a relaxed one", async () => {
    const t = makeApp();
    await createSpace(t, "strict");
    await createSpace(t, "relaxed", { privileges: "relaxed" });
    expectError(await t.api.post("/api/spaces/strict/exec", { command: "id -u", asRoot: true }), 403, "FORBIDDEN");
    const ok = await t.api.post("/api/spaces/relaxed/exec", { command: "id -u", asRoot: true });
    expect(ok.status).toBe(200);
    expect(t.fake.execLog.at(-1)!.spec.user).toBe("0:0");
    await t.api.post("/api/spaces/relaxed/exec", { command: "id -u" });
    expect(t.fake.execLog.at(-1)!.spec.user).toBeUndefined();
  });
});

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe("env and envFile at create", () => {
  it("writes the file as the space's user, 0600, and keeps values out of logs and the audit log", async () => {
    const log = capture();
    const t = makeApp({ logger: createLogger("trace", log.stream) });
    const secret = `sk_${Math.random().toString(36).slice(2)}`;
    const fileSecret = `db_${Math.random().toString(36).slice(2)}`;
    const s = await createSpace(t, "e1", { env: { API_TOKEN: secret }, envFile: `DB_PASSWORD=${fileSecret}\n` });
    expect(specOf(t, "e1").env.API_TOKEN).toBe(secret);
    const write = t.fake.execLog.find((e) => e.spec.argv.includes("/workspace/.env"))!;
    expect(write.spec.user).toBe("1001:1001");
    expect(write.spec.argv.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(write.spec.argv[2]).toMatch(/umask 077/);
    expect(write.spec.argv[2]).toMatch(/chmod 600/);
    expect(write.spec.stdin!.toString()).toBe(`DB_PASSWORD=${fileSecret}\n`);
    expect(write.spec.argv.join(" ")).not.toContain(fileSecret);

    const events = t.deps.audit.query({ space: "e1", type: "space.create", limit: 10 });
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(JSON.stringify(events)).not.toContain(fileSecret);
    expect(events[0]!.meta).toMatchObject({ envNames: ["API_TOKEN"], envFile: "/workspace/.env" });
    expect(log.text()).toContain("space created");
    expect(log.text()).not.toContain(secret);
    expect(log.text()).not.toContain(fileSecret);
    expect(JSON.stringify(s)).not.toContain(secret);
  });

  it("takes base64 and a path inside /workspace", async () => {
    const t = makeApp();
    const bytes = Buffer.from([0, 1, 2, 255, 10]);
    await createSpace(t, "e2", { envFile: { content: bytes.toString("base64"), encoding: "base64", path: "config/secrets.env" } });
    const write = t.fake.execLog.find((e) => e.spec.argv.includes("/workspace/config/secrets.env"))!;
    expect(Buffer.compare(write.spec.stdin as Buffer, bytes)).toBe(0);
  });

  it.each([
    [{ content: "x", path: "../etc/passwd" }],
    [{ content: "x", path: "/etc/passwd" }],
    [{ content: "not base64!", encoding: "base64" }],
    [{ content: "x", mode: "0644" }],
    [42],
  ])("refuses envFile %j with a 400", async (envFile) => {
    const t = makeApp();
    expectError(await t.api.post("/api/spaces", { name: "e3", envFile }), 400, "VALIDATION_FAILED");
    expect(t.fake.containers.size).toBe(0);
  });

  it("a write that fails rolls the create back", async () => {
    const t = makeApp();
    t.fake.execHandler = () => ({ stderr: "No space left on device", exitCode: 1 });
    const res = await t.api.post("/api/spaces", { name: "e4", envFile: "A=1" });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(t.fake.containers.size + t.fake.volumes.size).toBe(0);
  });
});
