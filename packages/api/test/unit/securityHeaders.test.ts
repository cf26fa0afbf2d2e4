import request from "supertest";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { makeApp } from "./helpers.js";

describe("browser-facing headers and Host checks", () => {
  it("every answer carries a CSP without inline script, no framing, nosniff and no referrer", async () => {
    const t = makeApp();
    for (const res of [await request(t.app).get("/api/health"), await t.api.get("/api/spaces"), await request(t.app).get("/api/spaces")]) {
      expect(res.headers["content-security-policy"]).toMatch(/script-src 'self'(;|$)/);
      expect(res.headers["content-security-policy"]).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
  });

  it("with auth off, a Host that is not a loopback name (DNS rebinding) is a 403", async () => {
    const t = makeApp({ apiKey: undefined, config: { authDisabled: true } });
    const app = createApp(t.deps);
    const evil = await request(app).get("/api/spaces").set("Host", "rebind.attacker.example:7777");
    expect(evil.status).toBe(403);
    expect(evil.body.code).toBe("FORBIDDEN");
    expect((await request(app).get("/api/spaces").set("Host", "localhost:7777")).status).toBe(200);
    expect((await request(app).get("/api/spaces").set("Host", "127.0.0.1:7777")).status).toBe(200);
  });
});
