import { readFileSync } from "node:fs";
import { join } from "node:path";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { ROUTES, openapiPath } from "../../src/system/openapiSpec.js";
import { KEY, createSpace, makeApp } from "./helpers.js";

describe("/metrics", () => {
  it("needs the key", async () => {
    const t = makeApp();
    expect((await request(t.app).get("/metrics")).status).toBe(401);
  });

  it("has spaces by state, HTTP latency by route pattern, engine calls by op, sleeps and wakes", async () => {
    const t = makeApp();
    await createSpace(t, "s1");
    await createSpace(t, "s2");
    await t.api.post("/api/spaces/s2/stop");
    await t.api.post("/api/spaces/s2/exec", { command: "true" });
    t.fake.failNext("inspect", new Error("boom"));
    await t.api.get("/api/spaces/s1");
    const res = await request(t.app).get("/metrics").set("Authorization", `Bearer ${KEY}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/plain/);
    const text = res.text;
    expect(text).toMatch(/clawdspace_spaces\{state="running"\} 2/);
    expect(text).toMatch(/clawdspace_http_request_duration_seconds_count\{method="POST",route="\/api\/spaces\/:name\/exec",status="200"\} 1/);
    expect(text).not.toMatch(/route="\/api\/spaces\/s1/);
    expect(text).toMatch(/clawdspace_docker_call_duration_seconds_count\{op="create"\} 2/);
    expect(text).toMatch(/clawdspace_docker_call_errors_total\{op="inspect",kind="Error"\} 1/);
    expect(text).toMatch(/clawdspace_sleeps_total\{kind="pause",reason="user"\} 1/);
    expect(text).toMatch(/clawdspace_wakes_total\{tier="warm",cause="exec"\} 1/);
  });

  it("accepts gauges registered by other services", async () => {
    const t = makeApp();
    t.deps.metrics.gauge("clawdspace_test_things", "Things another service counts", () => 3);
    const res = await request(t.app).get("/metrics").set("Authorization", `Bearer ${KEY}`);
    expect(res.text).toMatch(/clawdspace_test_things 3/);
    // The terminal service registers its own at composition.
    expect(res.text).toMatch(/clawdspace_terminal_sessions 0/);
    expect(res.text).toMatch(/clawdspace_terminal_viewers 0/);
  });
});

describe("/api/openapi.json", () => {
  it("is generated from the schemas and needs the key", async () => {
    const t = makeApp();
    expect((await request(t.app).get("/api/openapi.json")).status).toBe(401);
    const res = await t.api.get("/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const create = res.body.paths["/api/spaces"].post.requestBody.content["application/json"].schema;
    expect(create.properties.name).toBeDefined();
    expect(res.body.paths["/api/audit"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["space", "type", "limit", "before", "after", "since", "until"]),
    );
  });

  it("documents exactly the routes in docs/API.md, and the reverse", () => {
    const md = readFileSync(join(__dirname, "../../../../docs/API.md"), "utf8");
    const documented = new Set([...md.matchAll(/^\| (GET|POST|PUT|DELETE) (\/\S+) \|/gm)].map((m) => `${m[1]} ${openapiPath(m[2]!)}`));
    const specified = new Set(ROUTES.map((r) => `${r.method.toUpperCase()} ${openapiPath(r.path)}`));
    expect([...specified].filter((r) => !documented.has(r)), "in the spec but not in docs/API.md").toEqual([]);
    expect([...documented].filter((r) => !specified.has(r)), "in docs/API.md but not in the spec").toEqual([]);
  });

  it("every route the spec lists answers something other than a no-route 404", async () => {
    const t = makeApp();
    await createSpace(t, "s1");
    for (const r of ROUTES) {
      if (r.rawResponse === "text/event-stream") continue; // never ends; test/unit/events.test.ts covers it
      const path = r.path.replace(":name", "s1");
      const res = await (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[r.method]!(path).set("Authorization", `Bearer ${KEY}`);
      expect(res.body?.error ?? "", `${r.method} ${r.path}`).not.toMatch(/^No route/);
    }
  });
});
