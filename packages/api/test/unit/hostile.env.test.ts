import { describe, expect, it } from "vitest";
import { createOptionsOf } from "../../src/engine/docker/containerSpec.js";
import { createSpace, expectError, makeApp } from "./helpers.js";

describe("env that steers the loader or the runtime, and the container user", () => {
  it("refuses LD_* and NVIDIA_* names on create and exec with a 400 on the name", async () => {
    const t = makeApp();
    const gpu = await t.api.post("/api/spaces", { name: "g", env: { NVIDIA_VISIBLE_DEVICES: "all" } });
    expectError(gpu, 400, "VALIDATION_FAILED");
    expect(gpu.body.details.issues[0].path).toBe("env.NVIDIA_VISIBLE_DEVICES");
    expect((await t.api.get("/api/spaces")).body.spaces).toEqual([]);
    await createSpace(t, "box");
    const pre = await t.api.post("/api/spaces/box/exec", { command: "true", env: ["LD_PRELOAD=/tmp/x.so"] });
    expectError(pre, 400, "VALIDATION_FAILED");
    expect(pre.body.error).toMatch(/LD_PRELOAD/);
    expect((await t.api.post("/api/spaces/box/exec", { command: "true", env: { OLD_LD: "fine" } })).status).toBe(200);
  });

  it("always names the sandbox user for the container, whatever the image says", () => {
    const opts = createOptionsOf({
      name: "x", image: "someone/else:latest", memory: 1 << 28, cpus: 1, pidsLimit: 64, tmpfsBytes: 1 << 20, env: {}, labels: {},
      volumeName: "v", gpu: false, network: "none", privileges: "relaxed", readOnlyRootfs: false,
    });
    expect(opts.User).toBe("1001:1001");
  });
});
