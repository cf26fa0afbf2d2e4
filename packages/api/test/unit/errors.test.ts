import { ERROR_CODES, ErrorBodySchema } from "@clawdspace/shared";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { toHttpError } from "../../src/http/errorMiddleware.js";
import { HttpError } from "../../src/http/httpError.js";
import {
  ConflictError,
  ImageNotFoundError,
  InvalidSpecError,
  RuntimeError,
  RuntimeUnavailableError,
  SpaceNotFoundError,
} from "../../src/engine/errors.js";
import { createSpace, expectError, makeApp } from "./helpers.js";

describe("engine unreachable", () => {
  const routes: Array<[string, (t: ReturnType<typeof makeApp>) => request.Test]> = [
    ["list", (t) => t.api.get("/api/spaces")],
    ["get", (t) => t.api.get("/api/spaces/up")],
    ["create", (t) => t.api.post("/api/spaces", { name: "new1" })],
    ["exec", (t) => t.api.post("/api/spaces/up/exec", { command: "true" })],
    ["stop", (t) => t.api.post("/api/spaces/up/stop")],
    ["start", (t) => t.api.post("/api/spaces/up/start")],
    ["delete", (t) => t.api.delete("/api/spaces/up")],
    ["stats", (t) => t.api.get("/api/spaces/up/stats")],
    ["system", (t) => t.api.get("/api/system")],
  ];

  it.each(routes)("%s is 503 RUNTIME_UNAVAILABLE", async (_name, call) => {
    const t = makeApp();
    await createSpace(t, "up");
    t.fake.available = false;
    const res = await call(t);
    expectError(res, 503, "RUNTIME_UNAVAILABLE");
    t.fake.available = true;
    expect(t.fake.containers.get("up")!.state).toBe("running");
    expect(t.fake.containers.has("new1")).toBe(false);
  });

  it("create is 503 even before the host facts were ever read", async () => {
    const t = makeApp();
    t.fake.available = false;
    expectError(await t.api.post("/api/spaces", { name: "cold" }), 503, "RUNTIME_UNAVAILABLE");
    t.fake.available = true;
    expect((await t.api.post("/api/spaces", { name: "cold" })).status).toBe(201);
  });

  it("health still answers ok", async () => {
    const t = makeApp();
    t.fake.available = false;
    const res = await request(t.app).get("/api/health");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
  });
});

describe("every error answer has the contract's shape", () => {
  it("across a sample of failures", async () => {
    const t = makeApp();
    await createSpace(t, "e1");
    await t.fake.engine.containers.stop("e1", 0);
    const answers: request.Response[] = [
      await request(t.app).get("/api/spaces"),
      await t.api.get("/api/spaces/none"),
      await t.api.get("/api/spaces/-x"),
      await t.api.post("/api/spaces", { name: "e1" }),
      await t.api.post("/api/spaces", { name: "x", memory: "lots" }),
      await t.api.post("/api/spaces/e1/stop"),
      await t.api.post("/api/spaces").set("Content-Type", "text/plain").send("hi"),
      await t.api.post("/api/spaces").set("Content-Type", "application/json").send("{"),
      await t.api.post("/api/spaces/e1/exec", { command: [] }),
      await t.api.get("/api/nothing-here"),
      await request(t.app).get("/not-api"),
    ];
    for (const res of answers) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(ErrorBodySchema.safeParse(res.body).success, JSON.stringify(res.body)).toBe(true);
      expect(ERROR_CODES as readonly string[]).toContain(res.body.code);
      if (res.body.code === "VALIDATION_FAILED") expectError(res, 400, "VALIDATION_FAILED");
    }
  });

  it("malformed input is never a 500", async () => {
    const t = makeApp();
    expectError(await t.api.get("/api/spaces/%E0"), 400, "VALIDATION_FAILED");
    expectError(await t.api.post("/api/spaces/%E0/exec", { command: "x" }), 400, "VALIDATION_FAILED");
    const latin1 = await t.api.post("/api/spaces").set("Content-Type", "application/json; charset=latin1").send('{"name":"x"}');
    expectError(latin1, 415, "UNSUPPORTED_MEDIA_TYPE");
    const brotli = await t.api.post("/api/spaces").set("Content-Type", "application/json").set("Content-Encoding", "br").send('{"name":"x"}');
    expectError(brotli, 400, "VALIDATION_FAILED");
    expect(t.fake.containers.size).toBe(0);
  });

  it("a route outside /api is 404 NOT_FOUND", async () => {
    const t = makeApp();
    expectError(await request(t.app).get("/nowhere"), 404, "NOT_FOUND");
  });

  it("an unexpected failure is a 500 INTERNAL that does not leak the message", async () => {
    const t = makeApp();
    await createSpace(t, "boom");
    t.fake.failNext("inspect", new Error("secret internal detail"));
    const res = await t.api.get("/api/spaces/boom");
    expectError(res, 500, "INTERNAL");
    expect(res.body.error).not.toContain("secret internal detail");
  });

  it("an engine failure is 502 RUNTIME_ERROR", async () => {
    const t = makeApp();
    await createSpace(t, "rt");
    t.fake.failNext("inspect", new RuntimeError("daemon hiccup"));
    expectError(await t.api.get("/api/spaces/rt"), 502, "RUNTIME_ERROR");
  });

  it("an engine refusal of a spec is a 400 with issues", async () => {
    const t = makeApp();
    t.fake.failNext("create", new InvalidSpecError("bad option"));
    const res = await t.api.post("/api/spaces", { name: "refused" });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error).toContain("bad option");
    expect(t.fake.volumes.size).toBe(0);
  });
});

describe("toHttpError", () => {
  it.each([
    [new SpaceNotFoundError("a"), 404, "SPACE_NOT_FOUND"],
    [new ImageNotFoundError("img:1"), 400, "IMAGE_NOT_FOUND"],
    [new InvalidSpecError("x"), 400, "VALIDATION_FAILED"],
    [new ConflictError("x", "exists"), 409, "SPACE_EXISTS"],
    [new ConflictError("x", "paused"), 409, "SPACE_STATE_CONFLICT"],
    [new ConflictError("x", "not-running"), 409, "SPACE_STATE_CONFLICT"],
    [new RuntimeUnavailableError(), 503, "RUNTIME_UNAVAILABLE"],
    [new RuntimeError("x"), 502, "RUNTIME_ERROR"],
    [Object.assign(new Error("too big"), { type: "entity.too.large", status: 413, limit: 10 }), 413, "PAYLOAD_TOO_LARGE"],
    [Object.assign(new Error("bad"), { type: "entity.parse.failed", status: 400 }), 400, "VALIDATION_FAILED"],
    [Object.assign(new Error("enc"), { type: "encoding.unsupported", status: 415 }), 415, "UNSUPPORTED_MEDIA_TYPE"],
    [Object.assign(new Error("cs"), { type: "charset.unsupported", status: 415 }), 415, "UNSUPPORTED_MEDIA_TYPE"],
    [new Error("plain"), 500, "INTERNAL"],
    ["a string", 500, "INTERNAL"],
    [null, 500, "INTERNAL"],
  ])("%s -> %d %s", (err, status, code) => {
    const h = toHttpError(err);
    expect(h).toBeInstanceOf(HttpError);
    expect(h.status).toBe(status);
    expect(h.code).toBe(code);
    expect(typeof h.message).toBe("string");
    if (code === "VALIDATION_FAILED") expect(Array.isArray(h.details?.issues)).toBe(true);
  });

  it("keeps the image in IMAGE_NOT_FOUND details and passes HttpErrors through", () => {
    expect(toHttpError(new ImageNotFoundError("img:1")).details).toEqual({ image: "img:1" });
    const own = new HttpError(418, "FORBIDDEN", "no");
    expect(toHttpError(own)).toBe(own);
  });
});
