import { describe, expect, it } from "vitest";
import { createSpace, expectError, makeApp } from "./helpers.js";

describe("strict JSON bodies", () => {
  it("refuses an unknown field with a 400 naming it, and creates nothing", async () => {
    const t = makeApp();
    const res = await t.api.post("/api/spaces", { name: "x", memroy: "8g" });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.details.issues).toContainEqual({ path: "memroy", message: 'unknown field "memroy"' });
    expect(res.body.error).toContain("memroy");
    const proto = await t.api.post("/api/spaces", JSON.parse('{"name":"y","constructor":{"prototype":{}}}'));
    expectError(proto, 400, "VALIDATION_FAILED");
    expect(proto.body.details.issues[0].path).toBe("constructor");
    expect((await t.api.get("/api/spaces")).body.spaces).toEqual([]);
  });

  it("does the same on exec, files, keepalive and tasks bodies", async () => {
    const t = makeApp();
    await createSpace(t, "box");
    for (const [path, body] of [
      ["/api/spaces/box/exec", { command: "true", timeout: 5 }],
      ["/api/spaces/box/files/mkdir", { path: "/a", mode: 7 }],
      ["/api/spaces/box/files/rename", { from: "/a", to: "/b", force: true }],
      ["/api/spaces/box/keepalive", { ttlMs: 1000, forever: true }],
      ["/api/spaces/box/tasks", { command: "true", detach: true }],
    ] as const) {
      const res = await t.api.post(path, body);
      expectError(res, 400, "VALIDATION_FAILED");
      const extra = Object.keys(body).at(-1)!;
      expect(res.body.details.issues.map((i: { path: string }) => i.path), path).toContain(extra);
    }
  });
});
