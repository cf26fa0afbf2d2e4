import { describe, expect, it } from "vitest";
import { makeApp } from "./helpers.js";

describe("DELETE /api/spaces/:name?removeVolume", () => {
  it.each(["TRUE", "True", "1"])("removeVolume=%s removes the volume", async (v) => {
    const t = makeApp();
    await t.api.post("/api/spaces", { name: "d" });
    const res = await t.api.delete(`/api/spaces/d?removeVolume=${v}`);
    expect(res.status).toBe(200);
    expect(t.fake.volumes.has("clawdspace-vol-d")).toBe(false);
  });

  it("removeVolume=False keeps it", async () => {
    const t = makeApp();
    await t.api.post("/api/spaces", { name: "d" });
    expect((await t.api.delete("/api/spaces/d?removeVolume=False")).status).toBe(200);
    expect(t.fake.volumes.has("clawdspace-vol-d")).toBe(true);
  });
});
