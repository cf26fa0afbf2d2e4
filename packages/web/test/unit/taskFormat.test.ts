import { describe, expect, it } from "vitest";
import { commandText, exitText, formatDuration, liveDurationMs, newestFirst, taskStateLabel, taskTitle } from "../../src/components/taskFormat";

describe("formatDuration", () => {
  it("is precise when short and coarse when long", () => {
    expect(formatDuration(0)).toBe("0.0 s");
    expect(formatDuration(420)).toBe("0.4 s");
    expect(formatDuration(9_999)).toBe("9.9 s");
    expect(formatDuration(12_300)).toBe("12 s");
    expect(formatDuration(185_000)).toBe("3 min 05 s");
    expect(formatDuration(2 * 3_600_000 + 7 * 60_000 + 59_000)).toBe("2 h 07 min");
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe("3 d 4 h");
  });
  it("shows a dash for nothing known", () => {
    expect(formatDuration(null)).toBe("–");
    expect(formatDuration(undefined)).toBe("–");
    expect(formatDuration(-5)).toBe("–");
    expect(formatDuration(Number.NaN)).toBe("–");
  });
});

describe("liveDurationMs", () => {
  it("grows a running task's duration by the time since the answer, on the browser's clock", () => {
    expect(liveDurationMs({ state: "running", durationMs: 5_000 }, 1_003_000, 1_000_000)).toBe(8_000);
  });
  it("never goes below what the server said (a clock that steps back)", () => {
    expect(liveDurationMs({ state: "running", durationMs: 5_000 }, 999_000, 1_000_000)).toBe(5_000);
  });
  it("keeps an ended task's duration as it is", () => {
    expect(liveDurationMs({ state: "succeeded", durationMs: 5_000 }, 2_000_000, 1_000_000)).toBe(5_000);
    expect(liveDurationMs({ state: "running", durationMs: null }, 2_000_000, 1_000_000)).toBeNull();
  });
});

describe("task words", () => {
  it("labels each state (timed-out reads as words) and passes an unknown one through", () => {
    expect(taskStateLabel("timed-out")).toBe("timed out");
    expect(taskStateLabel("cancelled")).toBe("cancelled");
    expect(taskStateLabel("exploded")).toBe("exploded");
  });
  it("says the exit code, else the signal, and nothing while it runs", () => {
    expect(exitText({ state: "failed", exitCode: 2, signal: null })).toBe("2");
    expect(exitText({ state: "succeeded", exitCode: 0, signal: null })).toBe("0");
    expect(exitText({ state: "cancelled", exitCode: null, signal: "SIGTERM" })).toBe("SIGTERM");
    expect(exitText({ state: "running", exitCode: null, signal: null })).toBe("–");
  });
  it("titles a task by its name, else its command, argv quoted as a shell would need", () => {
    expect(taskTitle({ name: "tests", command: "npm test" })).toBe("tests");
    expect(taskTitle({ name: null, command: "npm test" })).toBe("npm test");
    expect(commandText(["echo", "it's here", "a/b.txt"])).toBe("echo 'it'\\''s here' a/b.txt");
  });
  it("orders newest first whatever the input order", () => {
    const t = (id: string, createdAt: string) => ({ id, createdAt });
    expect(newestFirst([t("a", "2025-01-01T00:00:00.000Z"), t("c", "2025-01-03T00:00:00.000Z"), t("b", "2025-01-03T00:00:00.000Z")]).map((x) => x.id)).toEqual(["c", "b", "a"]);
  });
});
