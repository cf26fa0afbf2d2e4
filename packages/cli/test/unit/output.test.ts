import { describe, expect, it } from "vitest";
import { ClawdspaceApiError } from "@clawdspace/shared/client";
import { toCliError } from "../../src/errors.js";
import { colourEnabled, formatBytes, parseDuration, relativeTime, table } from "../../src/output.js";
import { buildRequest } from "../../src/commands/exec.js";
import { parseEnvPairs } from "../../src/commands/envPairs.js";
import { describe as describeEvent } from "../../src/commands/audit.js";

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe("output for people and scripts", () => {
  it("colours only a TTY, never with NO_COLOR or TERM=dumb", () => {
    expect(colourEnabled(tty, {})).toBe(true);
    expect(colourEnabled(pipe, {})).toBe(false);
    expect(colourEnabled(tty, { NO_COLOR: "1" })).toBe(false);
    expect(colourEnabled(tty, { TERM: "dumb" })).toBe(false);
    expect(colourEnabled(pipe, { FORCE_COLOR: "1" })).toBe(true);
  });

  it("aligns table columns by visible width, escape codes aside", () => {
    const out = table(["NAME", "STATE"], [["a", "\x1b[32mrunning\x1b[39m"], ["longer-name", "paused"]], false);
    expect(out).toBe("NAME          STATE\na             \x1b[32mrunning\x1b[39m\nlonger-name   paused\n");
  });

  it("formats bytes, durations and relative times", () => {
    expect(formatBytes(256 * 1024 ** 2)).toBe("256 MiB");
    expect(formatBytes(1.5 * 1024 ** 3)).toBe("1.5 GiB");
    expect(formatBytes(null)).toBe("-");
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("1.5m")).toBe(90_000);
    expect(parseDuration("30")).toBe(30_000);
    expect(parseDuration("soon")).toBeNull();
    const now = Date.parse("2026-01-01T00:10:00Z");
    expect(relativeTime("2026-01-01T00:07:00Z", now)).toBe("3m ago");
    expect(relativeTime("2026-01-01T02:10:00Z", now)).toBe("in 2h");
    expect(relativeTime(null, now)).toBe("-");
  });
});

describe("errors and exit codes", () => {
  it("maps the server's answers to distinct exit codes", () => {
    expect(toCliError(new ClawdspaceApiError(401, "UNAUTHORIZED", "bad key")).exitCode).toBe(77);
    expect(toCliError(new ClawdspaceApiError(403, "FORBIDDEN", "no")).exitCode).toBe(77);
    expect(toCliError(new ClawdspaceApiError(404, "SPACE_NOT_FOUND", "gone")).exitCode).toBe(66);
    expect(toCliError(new ClawdspaceApiError(503, "RUNTIME_UNAVAILABLE", "engine down")).exitCode).toBe(69);
    const v = toCliError(new ClawdspaceApiError(400, "VALIDATION_FAILED", "Invalid body", { issues: [{ path: "cpus", message: "cpus must be a number" }] }));
    expect(v).toMatchObject({ exitCode: 1, code: "VALIDATION_FAILED", message: "Invalid body: cpus: cpus must be a number" });
  });

  it("names the server it could not reach", () => {
    const err = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    const e = toCliError(err, "http://127.0.0.1:9");
    expect(e).toMatchObject({ exitCode: 69, code: "UNREACHABLE" });
    expect(e.message).toContain("http://127.0.0.1:9");
  });
});

describe("exec requests", () => {
  it("joins words into one shell line, or keeps them as argv", () => {
    expect(buildRequest(["ls", "-la", "/tmp"], {})).toEqual({ command: "ls -la /tmp" });
    expect(buildRequest(["printf", "%s", "a b"], { argv: true })).toEqual({ command: ["printf", "%s", "a b"] });
    expect(buildRequest(["true"], { cwd: "/workspace/x", env: ["A=1", "B=x=y"], timeout: "2m" })).toEqual({
      command: "true",
      cwd: "/workspace/x",
      env: { A: "1", B: "x=y" },
      timeoutMs: 120_000,
    });
  });

  it("refuses a bad --timeout or --env as a usage error", () => {
    expect(() => buildRequest(["true"], { timeout: "later" })).toThrow(expect.objectContaining({ exitCode: 64 }));
    expect(() => parseEnvPairs(["1BAD=x"])).toThrow(expect.objectContaining({ exitCode: 64 }));
    expect(() => parseEnvPairs(["NOVALUE"])).toThrow(/NAME=value/);
  });
});

describe("audit lines", () => {
  it("describes meta compactly", () => {
    expect(describeEvent({ reason: "idle", tier: { a: 1 } })).toBe('reason=idle tier={"a":1}');
  });
});

describe("printable", () => {
  it("shows control characters from a space as escapes, so an OSC 52 clipboard write never reaches the terminal", async () => {
    const { printable } = await import("../../src/output.js");
    const osc52 = "echo hi\u001b]52;c;ZXZpbA==\u0007";
    expect(printable(osc52)).toBe("echo hi\\x1b]52;c;ZXZpbA==\\x07");
    expect(printable("a\rb\u009bc\nd")).toBe("a\\x0db\\x9bc\\nd");
    expect(printable("plain é ✓")).toBe("plain é ✓");
  });
});
