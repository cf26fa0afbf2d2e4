import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.js";
import { createSpace, expectError, makeApp } from "./helpers.js";

describe("a full disk under the store", () => {
  it("an operation that cannot be audited is a clear 503, and the server keeps serving", async () => {
    const db = openDb(":memory:");
    const t = makeApp({ db });
    await createSpace(t, "box");
    // SQLite's own ceiling plays a full disk: the next write that needs a page fails with SQLITE_FULL.
    const pages = db.pragma("page_count", { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    let refused;
    for (let i = 0; i < 200; i++) {
      refused = await t.api.post("/api/spaces/box/exec", { command: ["echo", "x".repeat(2000)] });
      if (refused.status !== 200) break;
    }
    expectError(refused!, 503, "AUDIT_UNAVAILABLE");
    expect(refused!.body.error).toMatch(/SQLITE_FULL/);
    expect((await t.api.get("/api/spaces")).status).toBe(200);
    expect((await t.api.get("/api/health")).status).toBe(200);
    const sys = await t.api.get("/api/system");
    expect(sys.status).toBe(200);
    expect(sys.body.dataDir).toMatchObject({ path: expect.any(String) });
    const metrics = await t.api.get("/metrics");
    expect(metrics.text).toMatch(/clawdspace_data_dir_available_bytes \d+/);
  });
});
