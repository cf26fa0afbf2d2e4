import type request from "supertest";
import { describe, expect, it } from "vitest";
import { createSpace, expectError, makeApp, type TestApp } from "./helpers.js";

const NDJSON = "application/x-ndjson";

function ndjson(t: TestApp, name: string, body: unknown): request.Test {
  return t.api
    .post(`/api/spaces/${name}/exec`, body)
    .set("Accept", NDJSON)
    .buffer(true)
    .parse((res, cb) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => cb(null, text));
    });
}

const lines = (res: request.Response): Array<Record<string, unknown>> =>
  (res.body as string)
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("exec with Accept: application/x-ndjson", () => {
  it("streams {stream, data} lines and ends with {exitCode, timedOut, truncated}", async () => {
    const t = makeApp();
    await createSpace(t, "nd");
    t.fake.execHandler = () => ({ stdout: "héllo 😀\n", stderr: "warn\n", exitCode: 3 });
    const res = await ndjson(t, "nd", { command: "x" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    const all = lines(res);
    expect(all.slice(0, -1)).toEqual([
      { stream: "stdout", data: "héllo 😀\n" },
      { stream: "stderr", data: "warn\n" },
    ]);
    const last = all.at(-1)!;
    expect(last).toMatchObject({ exitCode: 3, timedOut: false, truncated: false });
    expect((res.body as string).endsWith("\n")).toBe(true);
  });

  it("reports a timeout in the final line", async () => {
    const t = makeApp();
    await createSpace(t, "nd");
    t.fake.execHandler = () => ({ exitCode: 124, delayMs: 120 });
    const all = lines(await ndjson(t, "nd", { command: "sleep 9", timeoutMs: 100 }));
    expect(all.at(-1)).toMatchObject({ exitCode: 124, timedOut: true });
  });

  it("a wake before the first line reaches the header and the final line", async () => {
    const t = makeApp();
    await createSpace(t, "nd");
    await t.api.post("/api/spaces/nd/stop");
    const res = await ndjson(t, "nd", { command: "echo hi" });
    expect(res.status).toBe(200);
    expect(res.headers["x-clawdspace-wake"]).toBe("warm");
    const all = lines(res);
    expect(all[0]).toEqual({ stream: "stdout", data: "bash -lc -- echo hi\n" });
    expect(all.at(-1)).toMatchObject({ exitCode: 0, wake: "warm" });
  });

  it("an error before any output is a real HTTP error", async () => {
    const t = makeApp();
    const res = await t.api.post("/api/spaces/ghost/exec", { command: "x" }).set("Accept", NDJSON);
    expectError(res, 404, "SPACE_NOT_FOUND");
  });

  it("a validation error is a 400 even when streaming was asked for", async () => {
    const t = makeApp();
    await createSpace(t, "nd");
    const res = await t.api.post("/api/spaces/nd/exec", { command: [] }).set("Accept", NDJSON);
    expectError(res, 400, "VALIDATION_FAILED");
  });

  it("with no output the only line is the final one", async () => {
    const t = makeApp();
    await createSpace(t, "nd");
    t.fake.execHandler = () => ({ exitCode: 0 });
    const all = lines(await ndjson(t, "nd", { command: "true" }));
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ exitCode: 0, timedOut: false, truncated: false });
  });
});
