import request from "supertest";
import { describe, expect, it } from "vitest";
import { KEY, expectError, issuePaths, makeApp } from "./helpers.js";

const GiB = 1024 ** 3;

const DEV_YAML = `
name: dev
description: Dev box with root for apt
resources:
  memory: 1g
  cpus: 1.5
  image: clawdspace:latest
security:
  writableRootfs: true
  privileges: relaxed
network:
  mode: lan
workspace:
  defaultRepoDest: src
sleep:
  idleTimeout: 30m
  hibernateAfter: 2h
env:
  EDITOR: vim
  LANGUAGE: en
`;

describe("templates: list and read", () => {
  it("lists the four built-ins with their descriptions", async () => {
    const t = makeApp();
    const res = await t.api.get("/api/templates");
    expect(res.status).toBe(200);
    expect(res.body.templates.map((x: { name: string }) => x.name)).toEqual(["agent", "default", "gpu", "offline"]);
    for (const x of res.body.templates) {
      expect(x.builtin).toBe(true);
      expect(x.overridden).toBe(false);
      expect(x.description.length).toBeGreaterThan(0);
    }
  });

  it("a built-in answers {name, yaml} and its parsed fields", async () => {
    const t = makeApp();
    const res = await t.api.get("/api/templates/gpu");
    expect(res.status).toBe(200);
    expect(res.body.name).toBe("gpu");
    expect(res.body.yaml).toMatch(/gpu: true/);
    expect(res.body.template.resources).toEqual({ gpu: true, memory: 8 * GiB, cpus: 4 });
    expect(res.body.template.network.mode).toBe("internet");
  });

  it("a missing template is 404 NOT_FOUND", async () => {
    const t = makeApp();
    expectError(await t.api.get("/api/templates/nosuch"), 404, "NOT_FOUND");
    expectError(await t.api.delete("/api/templates/nosuch"), 404, "NOT_FOUND");
  });

  it.each(["..", "...", ".hidden", "a.b", "%2e%2e%2fetc%2fpasswd", "..%2F..%2Fclawdspace.db", "a%00b", "-x", "x".repeat(64)])(
    "the name %s never reaches a store: 400",
    async (name) => {
      const t = makeApp();
      const get = await t.api.get(`/api/templates/${name}`);
      expect([400, 404]).toContain(get.status);
      if (get.status === 400) expectError(get, 400, "VALIDATION_FAILED");
      const del = await t.api.delete(`/api/templates/${name}`);
      expect([400, 404]).toContain(del.status);
    },
  );

  it("names with traversal are refused in a PUT body too, and nothing is stored", async () => {
    const t = makeApp();
    for (const name of ["../evil", "a/b", "..", "a\\b", ".x", ""]) {
      const res = await t.api.put("/api/templates", { name });
      expectError(res, 400, "VALIDATION_FAILED");
      expect(issuePaths(res)).toContain("name");
    }
    expect((await t.api.get("/api/templates")).body.templates).toHaveLength(4);
  });
});

describe("templates: PUT", () => {
  it("takes YAML in {yaml}, stores the text as written and answers the parsed fields", async () => {
    const t = makeApp();
    const res = await t.api.put("/api/templates", { yaml: DEV_YAML });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.template.template).toMatchObject({
      name: "dev",
      resources: { memory: GiB, cpus: 1.5, image: "clawdspace:latest" },
      security: { writableRootfs: true, privileges: "relaxed" },
      network: { mode: "lan" },
      workspace: { defaultRepoDest: "src" },
      sleep: { idleTimeout: 30 * 60_000, hibernateAfter: 2 * 3_600_000 },
      env: { EDITOR: "vim", LANGUAGE: "en" },
    });
    const got = await t.api.get("/api/templates/dev");
    expect(got.body.yaml).toBe(DEV_YAML);
    expect(got.body.builtin).toBe(false);
    const again = await t.api.put("/api/templates", { yaml: DEV_YAML.replace("1g", "2g") });
    expect(again.status).toBe(200);
    expect(again.body.template.template.resources.memory).toBe(2 * GiB);
    expect((await t.api.get("/api/templates")).body.templates.map((x: { name: string }) => x.name)).toEqual(["agent", "default", "dev", "gpu", "offline"]);
  });

  it("takes the fields as JSON, and JSON text inside {yaml}", async () => {
    const t = makeApp();
    const a = await t.api.put("/api/templates", { name: "j1", resources: { memory: "512m" }, network: { mode: "none" } });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body.template.template.resources.memory).toBe(512 * 1024 ** 2);
    const b = await t.api.put("/api/templates", { yaml: JSON.stringify({ name: "j2", description: "from json" }) });
    expect(b.status).toBe(201);
    expect((await t.api.get("/api/templates/j2")).body.template.description).toBe("from json");
  });

  it("takes a raw YAML body (Content-Type: application/yaml)", async () => {
    const t = makeApp();
    const res = await request(t.app).put("/api/templates").set("Authorization", `Bearer ${KEY}`).set("Content-Type", "application/yaml").send(DEV_YAML);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.template.name).toBe("dev");
  });

  it.each([
    ["an unknown top-level field", { name: "x", cpus: 2 }, "cpus"],
    ["an unknown nested field", { name: "x", resources: { memroy: "1g" } }, "resources"],
    ["a bad memory", { name: "x", resources: { memory: "lots" } }, "resources.memory"],
    ["a bad network mode", { name: "x", network: { mode: "wan" } }, "network.mode"],
    ["a bad privilege level", { name: "x", security: { privileges: "root" } }, "security.privileges"],
    ["a bad duration", { name: "x", sleep: { idleTimeout: "soon" } }, "sleep.idleTimeout"],
    ["a repo folder outside /workspace", { name: "x", workspace: { defaultRepoDest: "../etc" } }, "workspace.defaultRepoDest"],
    ["an absolute folder elsewhere", { name: "x", workspace: { defaultRepoDest: "/etc" } }, "workspace.defaultRepoDest"],
    ["a bad env name", { name: "x", env: { "1X": "a" } }, "env.1X"],
    ["gpu with both count and ids", { name: "x", resources: { gpu: { count: 1, deviceIds: ["0"] } } }, "resources.gpu"],
    ["no name", { description: "x" }, "name"],
  ])("refuses %s with a 400 naming the field", async (_what, body, path) => {
    const t = makeApp();
    const res = await t.api.put("/api/templates", body);
    expectError(res, 400, "VALIDATION_FAILED");
    const named = issuePaths(res).some((p) => p.startsWith(path)) || (res.body.error as string).includes(`"${path}"`);
    expect(named, JSON.stringify(res.body)).toBe(true);
  });

  it("refuses YAML that does not parse, is not a mapping, or repeats a key", async () => {
    const t = makeApp();
    for (const yaml of ["name: [unclosed", "- a\n- b", "just text", "name: a\nname: b"]) {
      const res = await t.api.put("/api/templates", { yaml });
      expectError(res, 400, "VALIDATION_FAILED");
    }
  });

  it("refuses a body that is neither JSON nor YAML (415), and audits puts and deletes by name only", async () => {
    const t = makeApp();
    const res = await request(t.app).put("/api/templates").set("Authorization", `Bearer ${KEY}`).set("Content-Type", "text/plain").send("name: x");
    expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    await t.api.put("/api/templates", { name: "aud", env: { SECRET_TOKEN: "hunter2-value" } });
    await t.api.delete("/api/templates/aud");
    const events = t.deps.audit.query({ limit: 100 }).filter((e) => e.type.startsWith("template."));
    expect(events.map((e) => e.type)).toEqual(["template.put", "template.delete"]);
    expect(events[0]!.meta).toMatchObject({ name: "aud", created: true, envNames: ["SECRET_TOKEN"] });
    expect(JSON.stringify(events)).not.toContain("hunter2-value");
  });

  it("refuses a runtime the engine lacks, and takes it once the engine has it", async () => {
    const t = makeApp();
    const res = await t.api.put("/api/templates", { name: "sandboxed", security: { runtime: "runsc" } });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(issuePaths(res)).toEqual(["security.runtime"]);
    expect(res.body.error).toMatch(/no runtime "runsc"/);
    const t2 = makeApp();
    t2.fake.runtimes.push("runsc");
    expect((await t2.api.put("/api/templates", { name: "sandboxed", security: { runtime: "runsc" } })).status).toBe(201);
  });
});

describe("templates: built-ins", () => {
  it("cannot be deleted: 409 TEMPLATE_BUILTIN", async () => {
    const t = makeApp();
    for (const name of ["default", "offline", "gpu"]) {
      expectError(await t.api.delete(`/api/templates/${name}`), 409, "TEMPLATE_BUILTIN");
      expect((await t.api.get(`/api/templates/${name}`)).status).toBe(200);
    }
  });

  it("a PUT on a built-in's name overrides it; DELETE then reverts to the built-in", async () => {
    const t = makeApp();
    const put = await t.api.put("/api/templates", { name: "default", resources: { memory: "1g" }, network: { mode: "lan" } });
    expect(put.status).toBe(200);
    const listed = (await t.api.get("/api/templates")).body.templates.find((x: { name: string }) => x.name === "default");
    expect(listed).toMatchObject({ builtin: true, overridden: true });
    const space = (await t.api.post("/api/spaces", { name: "s1" })).body.space;
    expect(space).toMatchObject({ template: "default", memory: GiB, network: "lan" });

    const del = await t.api.delete("/api/templates/default");
    expect(del.status).toBe(200);
    expect(del.body.message).toMatch(/reverted/);
    const space2 = (await t.api.post("/api/spaces", { name: "s2" })).body.space;
    expect(space2).toMatchObject({ template: "default", memory: 2 * GiB, network: "internet" });
    expectError(await t.api.delete("/api/templates/default"), 409, "TEMPLATE_BUILTIN");
  });

  it("survive in the store: a stored template outlives the app that wrote it", async () => {
    const { openDb } = await import("../../src/store/db.js");
    const { mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "tpl-"));
    const { TemplateRepo } = await import("../../src/templates/templateRepo.js");
    const db1 = openDb(dir);
    new TemplateRepo(db1).put("kept", "name: kept\n", 1);
    db1.close();
    const db2 = openDb(dir);
    expect(new TemplateRepo(db2).get("kept")).toMatchObject({ name: "kept", yaml: "name: kept\n" });
    db2.close();
  });
});
