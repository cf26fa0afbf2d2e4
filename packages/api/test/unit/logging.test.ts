import { Writable } from "node:stream";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { createLogger, redactUrl } from "../../src/http/logger.js";
import { makeApp } from "./helpers.js";

describe("redactUrl", () => {
  it.each([
    ["/api/spaces?key=abc", "/api/spaces?key=[REDACTED]"],
    ["/api/spaces/x/terminal?ticket=t1&cols=80", "/api/spaces/x/terminal?ticket=[REDACTED]&cols=80"],
    ["/a?x=1&key=abc&y=2", "/a?x=1&key=[REDACTED]&y=2"],
    ["/a?KEY=abc", "/a?KEY=[REDACTED]"],
    ["/a?token=abc#frag", "/a?token=[REDACTED]#frag"],
    ["/a?monkey=abc", "/a?monkey=abc"],
    ["/plain", "/plain"],
  ])("%s -> %s", (url, out) => {
    expect(redactUrl(url)).toBe(out);
  });

  it("empty in, empty out", () => {
    expect(redactUrl(undefined)).toBe("");
  });
});

describe("the server log never contains the key", () => {
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

  it("with ?key=, bearer, wrong keys, errors and a create", async () => {
    const SECRET = "cs_SECRET_never_in_logs_42";
    const log = capture();
    const t = makeApp({ logger: createLogger("trace", log.stream), apiKey: SECRET });
    const bearer = `Bearer ${SECRET}`;
    expect((await request(t.app).get(`/api/spaces?key=${SECRET}`)).status).toBe(200);
    expect((await request(t.app).get("/api/spaces").set("Authorization", bearer)).status).toBe(200);
    expect((await request(t.app).post("/api/spaces").set("Authorization", bearer).send({ name: "logged" })).status).toBe(201);
    expect((await request(t.app).get(`/api/spaces/ghost?key=${SECRET}`)).status).toBe(404);
    expect((await request(t.app).get(`/api/spaces?key=${SECRET}x`)).status).toBe(401);
    expect((await request(t.app).get("/api/spaces").set("Authorization", `Bearer ${SECRET}x`)).status).toBe(401);
    t.fake.failNext("list", new Error("kaboom"));
    expect((await request(t.app).get(`/api/spaces?key=${SECRET}`)).status).toBe(500);
    expect((await request(t.app).post(`/api/spaces/logged/exec?key=${SECRET}`).send({ command: "true" })).status).toBe(200);
    await new Promise((r) => setImmediate(r));

    const text = log.text();
    // the log really captured these requests, so its silence on the key means something
    expect(text).toContain("/api/spaces");
    expect(text).toContain("[REDACTED]");
    expect(text).toContain("kaboom");
    expect(text.split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(8);
    expect(text).not.toContain(SECRET);
  });
});

describe("the server log masks secrets whatever logs them", () => {
  it("messages, merged objects and errors go through the masker; command and env fields are redacted", () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger("debug", stream);
    const token = `ghp_${"q".repeat(36)}`;
    logger.info(`ran curl -H "Authorization: Bearer ${token}"`);
    logger.warn({ detail: { line: `export API_KEY=${token}` }, command: "echo hi", env: { X: token } }, "exec failed");
    logger.error({ err: new Error(`failed with ${token}`) }, "boom");
    const out = chunks.join("");
    expect(out).toContain("exec failed");
    expect(out).toContain("[REDACTED]");
    expect(out).not.toContain(token);
    expect(out).not.toContain("echo hi");
  });
});
