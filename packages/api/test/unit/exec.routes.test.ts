import { describe, expect, it } from "vitest";
import { createSpace, expectError, issuePaths, makeApp, type TestApp } from "./helpers.js";

async function withSpace(name = "box", config?: Parameters<typeof makeApp>[0]): Promise<TestApp> {
  const t = makeApp(config);
  await createSpace(t, name);
  return t;
}

describe("POST /api/spaces/:name/exec: what reaches the engine", () => {
  it("a string command runs through bash -lc in /workspace", async () => {
    const t = await withSpace();
    const res = await t.api.post("/api/spaces/box/exec", { command: "echo hi | tr a-z A-Z" });
    expect(res.status).toBe(200);
    expect(t.fake.execLog).toHaveLength(1);
    const { space, spec } = t.fake.execLog[0]!;
    expect(space).toBe("box");
    expect(spec.argv).toEqual(["bash", "-lc", "--", "echo hi | tr a-z A-Z"]);
    expect(spec.cwd).toBe("/workspace");
    expect(spec.stdin).toBeUndefined();
  });

  it("an array command is argv as given", async () => {
    const t = await withSpace();
    await t.api.post("/api/spaces/box/exec", { command: ["ls", "-la", "a b", "$HOME"] });
    expect(t.fake.execLog[0]!.spec.argv).toEqual(["ls", "-la", "a b", "$HOME"]);
  });

  it("passes cwd, env and stdin (as a Buffer)", async () => {
    const t = await withSpace();
    const res = await t.api.post("/api/spaces/box/exec", { command: ["cat"], cwd: "/tmp", env: { FOO: "bar", X_1: "" }, stdin: "héllo\n" });
    expect(res.status).toBe(200);
    const spec = t.fake.execLog[0]!.spec;
    expect(spec.cwd).toBe("/tmp");
    // plus the id that lets an abandoned exec's processes be found and killed
    expect(spec.env).toEqual({ FOO: "bar", X_1: "", CLAWDSPACE_EXEC_ID: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(Buffer.isBuffer(spec.stdin)).toBe(true);
    expect(spec.stdin!.toString("utf8")).toBe("héllo\n");
  });

  it("takes env in the CLI's NAME=value list form", async () => {
    const t = await withSpace();
    await t.api.post("/api/spaces/box/exec", { command: "env", env: ["A=1", "B=x=y"] });
    expect(t.fake.execLog[0]!.spec.env).toEqual({ A: "1", B: "x=y", CLAWDSPACE_EXEC_ID: expect.any(String) });
  });

  it("timeoutMs wraps argv with coreutils timeout", async () => {
    const t = await withSpace();
    await t.api.post("/api/spaces/box/exec", { command: "sleep 1", timeoutMs: 10_000 });
    const argv = t.fake.execLog[0]!.spec.argv;
    expect(argv.slice(0, 3)).toEqual(["timeout", "-k", "2"]);
    expect(argv[3]).toMatch(/^\d+(\.\d+)?s$/);
    expect(parseFloat(argv[3]!)).toBe(10);
    expect(argv.slice(4)).toEqual(["bash", "-lc", "--", "sleep 1"]);
  });

  it("timeoutMs keeps sub-second precision", async () => {
    const t = await withSpace();
    await t.api.post("/api/spaces/box/exec", { command: ["true"], timeoutMs: 1500 });
    const argv = t.fake.execLog[0]!.spec.argv;
    expect(parseFloat(argv[3]!)).toBe(1.5);
    expect(argv.slice(4)).toEqual(["true"]);
  });
});

describe("POST /api/spaces/:name/exec: the answer", () => {
  it("answers {stdout, stderr, exitCode, timedOut:false, truncated:false}", async () => {
    const t = await withSpace();
    t.fake.execHandler = () => ({ stdout: "out\n", stderr: "err\n", exitCode: 0 });
    const res = await t.api.post("/api/spaces/box/exec", { command: "x" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ stdout: "out\n", stderr: "err\n", exitCode: 0, timedOut: false, truncated: false });
    expect(res.body.code).toBeUndefined();
    expect(res.body.wake).toBeUndefined();
    expect(res.headers["x-clawdspace-wake"]).toBeUndefined();
  });

  it("passes a non-zero exit code through as a 200", async () => {
    const t = await withSpace();
    t.fake.execHandler = () => ({ stderr: "nope", exitCode: 42 });
    const res = await t.api.post("/api/spaces/box/exec", { command: "exit 42" });
    expect(res.status).toBe(200);
    expect(res.body.exitCode).toBe(42);
    expect(res.body.timedOut).toBe(false);
    expect(res.body.stderr).toBe("nope");
  });

  it("a command killed at its deadline is timedOut with EXEC_TIMEOUT", async () => {
    const t = await withSpace();
    t.fake.execHandler = () => ({ stdout: "partial", exitCode: 124, delayMs: 150 });
    const res = await t.api.post("/api/spaces/box/exec", { command: "sleep 60", timeoutMs: 100 });
    expect(res.status).toBe(200);
    expect(res.body.timedOut).toBe(true);
    expect(res.body.exitCode).toBe(124);
    expect(res.body.code).toBe("EXEC_TIMEOUT");
    expect(res.body.stdout).toBe("partial");
  });

  it("a command that exits 124 on its own well before the deadline is not a timeout", async () => {
    const t = await withSpace();
    t.fake.execHandler = () => ({ exitCode: 124 });
    const res = await t.api.post("/api/spaces/box/exec", { command: "exit 124", timeoutMs: 60_000 });
    expect(res.body.exitCode).toBe(124);
    expect(res.body.timedOut).toBe(false);
    expect(res.body.code).toBeUndefined();
  });

  it("a 124 without a timeoutMs is just an exit code", async () => {
    const t = await withSpace();
    t.fake.execHandler = () => ({ exitCode: 124, delayMs: 20 });
    const res = await t.api.post("/api/spaces/box/exec", { command: "exit 124" });
    expect(res.body.timedOut).toBe(false);
  });

  it("when the engine never returns, the backstop ends the exec as timed out", { timeout: 15_000 }, async () => {
    const t = await withSpace();
    t.fake.execHandler = () => ({ stdout: "never", exitCode: 0, delayMs: 8_000 });
    const started = Date.now();
    const res = await t.api.post("/api/spaces/box/exec", { command: "hang", timeoutMs: 50 });
    expect(Date.now() - started).toBeLessThan(7_500);
    expect(res.status).toBe(200);
    expect(res.body.timedOut).toBe(true);
    expect(res.body.exitCode).toBe(124);
    expect(res.body.code).toBe("EXEC_TIMEOUT");
  });
});

describe("POST /api/spaces/:name/exec: output cap", () => {
  it("truncates at the request's maxOutputBytes without splitting a 2-byte character", async () => {
    const t = await withSpace();
    t.fake.execHandler = () => ({ stdout: "ééé", exitCode: 0 }); // 6 bytes
    const res = await t.api.post("/api/spaces/box/exec", { command: "x", maxOutputBytes: 5 });
    expect(res.body.truncated).toBe(true);
    expect(res.body.stdout).toBe("éé");
    expect(res.body.stdout).not.toContain("\uFFFD");
  });

  it("truncates at the server's cap without splitting an emoji", async () => {
    const t = await withSpace("box", { config: { execMaxOutputBytes: 7 } });
    t.fake.execHandler = () => ({ stdout: "😀😀", stderr: "a😀", exitCode: 0 }); // 8 and 5 bytes
    const res = await t.api.post("/api/spaces/box/exec", { command: "x", maxOutputBytes: 1000 });
    expect(res.body.truncated).toBe(true);
    expect(res.body.stdout).toBe("😀");
    expect(res.body.stderr).toBe("a😀");
    expect(res.body.stdout + res.body.stderr).not.toContain("\uFFFD");
  });

  it("output exactly at the cap is whole and not truncated", async () => {
    const t = await withSpace();
    t.fake.execHandler = () => ({ stdout: "ééé", exitCode: 0 });
    const res = await t.api.post("/api/spaces/box/exec", { command: "x", maxOutputBytes: 6 });
    expect(res.body.truncated).toBe(false);
    expect(res.body.stdout).toBe("ééé");
  });
});

describe("POST /api/spaces/:name/exec: waking", () => {
  it("a paused space wakes warm and the command runs", async () => {
    const t = await withSpace();
    await t.api.post("/api/spaces/box/stop");
    const res = await t.api.post("/api/spaces/box/exec", { command: "echo awake" });
    expect(res.status).toBe(200);
    expect(res.body.wake).toBe("warm");
    expect(res.headers["x-clawdspace-wake"]).toBe("warm");
    expect(res.body.stdout).toBe("bash -lc -- echo awake\n");
    expect(t.fake.containers.get("box")!.state).toBe("running");
    expect(t.fake.execLog).toHaveLength(1);
  });

  it("a stopped space wakes cold and the command runs", async () => {
    const t = await withSpace();
    await t.fake.engine.containers.stop("box", 0);
    const res = await t.api.post("/api/spaces/box/exec", { command: ["true"] });
    expect(res.status).toBe(200);
    expect(res.body.wake).toBe("cold");
    expect(res.headers["x-clawdspace-wake"]).toBe("cold");
    expect(t.fake.containers.get("box")!.state).toBe("running");
    expect(t.fake.execLog).toHaveLength(1);
  });

  it("a running space costs no inspect", async () => {
    const t = await withSpace();
    const before = t.fake.callCounts().inspect ?? 0;
    await t.api.post("/api/spaces/box/exec", { command: "true" });
    expect(t.fake.callCounts().inspect ?? 0).toBe(before);
  });
});

describe("POST /api/spaces/:name/exec: validation", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["command missing", {}, "command"],
    ["command empty string", { command: "" }, "command"],
    ["command empty array", { command: [] }, "command"],
    ["command a number", { command: 5 }, "command"],
    ["command with a non-string entry", { command: ["ls", 1] }, "command"],
    ["cwd relative", { command: "x", cwd: "tmp" }, "cwd"],
    ["timeoutMs 0", { command: "x", timeoutMs: 0 }, "timeoutMs"],
    ["timeoutMs 1.5", { command: "x", timeoutMs: 1.5 }, "timeoutMs"],
    ['timeoutMs "10"', { command: "x", timeoutMs: "10" }, "timeoutMs"],
    ["timeoutMs over 24h", { command: "x", timeoutMs: 24 * 3600 * 1000 + 1 }, "timeoutMs"],
    ["timeoutMs negative", { command: "x", timeoutMs: -5 }, "timeoutMs"],
    ["env with a bad name", { command: "x", env: { "BAD NAME": "1" } }, "env"],
    ["env with a number", { command: "x", env: { A: 2 } }, "env"],
    ["stdin a number", { command: "x", stdin: 7 }, "stdin"],
  ];

  it.each(cases)("%s -> 400 naming %s, and nothing runs", async (_l, body, field) => {
    const t = await withSpace();
    const res = await t.api.post("/api/spaces/box/exec", body);
    expectError(res, 400, "VALIDATION_FAILED");
    expect(issuePaths(res).some((p) => p === field || p.startsWith(`${field}.`)), JSON.stringify(res.body)).toBe(true);
    expect(t.fake.execLog).toHaveLength(0);
  });

  it("accepts exactly 24h", async () => {
    const t = await withSpace();
    expect((await t.api.post("/api/spaces/box/exec", { command: "x", timeoutMs: 24 * 3600 * 1000 })).status).toBe(200);
  });

  it("a text/plain body is a 415 and an oversized one a 413", async () => {
    const t = await withSpace();
    expectError(await t.api.post("/api/spaces/box/exec").set("Content-Type", "text/plain").send("ls"), 415, "UNSUPPORTED_MEDIA_TYPE");
    expectError(await t.api.post("/api/spaces/box/exec", { command: "x".repeat(1024 * 1024 + 1) }), 413, "PAYLOAD_TOO_LARGE");
    expect(t.fake.execLog).toHaveLength(0);
  });
});
