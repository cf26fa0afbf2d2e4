import { pino } from "pino";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { composeDeps } from "../../src/compose.js";
import { openDb } from "../../src/store/db.js";
import { FakeWorld } from "../support/fakes/world.js";
import { KEY, expectError, makeApp, testConfig } from "./helpers.js";

type Method = "get" | "post" | "delete";
const ROUTES: Array<[Method, string]> = [
  ["get", "/api/system"],
  ["get", "/api/system/capabilities"],
  ["get", "/api/spaces"],
  ["post", "/api/spaces"],
  ["get", "/api/spaces/x"],
  ["delete", "/api/spaces/x"],
  ["post", "/api/spaces/x/stop"],
  ["post", "/api/spaces/x/start"],
  ["post", "/api/spaces/x/exec"],
  ["get", "/api/spaces/x/stats"],
  ["get", "/api/no-such-route"],
  ["post", "/api/no-such-route"],
];

describe("auth on every route", () => {
  const t = makeApp();

  for (const [method, path] of ROUTES) {
    it(`${method.toUpperCase()} ${path} without a key is 401`, async () => {
      const res = await request(t.app)[method](path).send(method === "get" ? undefined : { name: "x", command: "true" });
      expectError(res, 401, "UNAUTHORIZED");
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    });

    it(`${method.toUpperCase()} ${path} with a wrong bearer key is 401`, async () => {
      const res = await request(t.app)[method](path).set("Authorization", `Bearer ${KEY}x`);
      expectError(res, 401, "UNAUTHORIZED");
    });

    it(`${method.toUpperCase()} ${path} with a wrong ?key= is 401`, async () => {
      const res = await request(t.app)[method](`${path}?key=wrong`);
      expectError(res, 401, "UNAUTHORIZED");
    });
  }

  it("does not touch the runtime for an unauthenticated request", async () => {
    const fresh = makeApp();
    await request(fresh.app).post("/api/spaces").send({ name: "sneaky" });
    await request(fresh.app).delete("/api/spaces/sneaky");
    expect(fresh.fake.callCounts()).toEqual({});
    expect(fresh.fake.containers.size).toBe(0);
  });

  it("rejects a key prefix and an empty bearer", async () => {
    expectError(await request(t.app).get("/api/spaces").set("Authorization", `Bearer ${KEY.slice(0, -1)}`), 401, "UNAUTHORIZED");
    expectError(await request(t.app).get("/api/spaces").set("Authorization", "Bearer "), 401, "UNAUTHORIZED");
    expectError(await request(t.app).get("/api/spaces").set("Authorization", KEY), 401, "UNAUTHORIZED");
    expectError(await request(t.app).get("/api/spaces").set("Authorization", `Basic ${KEY}`), 401, "UNAUTHORIZED");
  });
});

describe("accepted credentials", () => {
  const t = makeApp();

  it("accepts Authorization: Bearer <key>", async () => {
    const res = await request(t.app).get("/api/spaces").set("Authorization", `Bearer ${KEY}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ spaces: [] });
  });

  it("accepts ?key=<key>", async () => {
    const res = await request(t.app).get(`/api/spaces?key=${encodeURIComponent(KEY)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ spaces: [] });
  });

  it.each(["bearer", "BEARER", "BeArEr"])("accepts the scheme spelled %s", async (scheme) => {
    const res = await request(t.app).get("/api/spaces").set("Authorization", `${scheme} ${KEY}`);
    expect(res.status).toBe(200);
  });

  it("accepts ?key= on a POST", async () => {
    const res = await request(t.app).post(`/api/spaces?key=${KEY}`).send({ name: "via-query" });
    expect(res.status).toBe(201);
    expect(res.body.space.name).toBe("via-query");
  });
});

describe("health", () => {
  const t = makeApp();

  it("needs no key and reports ok with the version", async () => {
    const res = await request(t.app).get("/api/health");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
    expect(typeof res.body.version).toBe("string");
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("still answers with a wrong key", async () => {
    const res = await request(t.app).get("/api/health").set("Authorization", "Bearer nope");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
  });
});

describe("authDisabled", () => {
  it("composes an open app that needs no key", async () => {
    const t = makeApp({ config: { authDisabled: true }, apiKey: undefined });
    const res = await request(t.app).get("/api/spaces");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ spaces: [] });
    const created = await request(t.app).post("/api/spaces").send({ name: "open" });
    expect(created.status).toBe(201);
  });

  it("refuses to compose a keyed app without a key", () => {
    expect(() => composeDeps(testConfig(), new FakeWorld().engine, pino({ level: "silent" }), undefined, openDb(":memory:"))).toThrow(/API key/);
    expect(() => composeDeps(testConfig(), new FakeWorld().engine, pino({ level: "silent" }), "", openDb(":memory:"))).toThrow(/API key/);
  });
});
