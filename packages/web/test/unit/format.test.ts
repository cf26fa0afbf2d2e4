import { describe, expect, it } from "vitest";
import { bytes, relative, sleepText } from "../../src/components/format";
import { ClawdspaceClient } from "@clawdspace/shared/client";
import { backoff, socketQuery } from "../../src/pages/space/terminalSession";

describe("format", () => {
  it("sizes in binary units", () => {
    expect(bytes(512)).toBe("512 B");
    expect(bytes(1536)).toBe("1.5 KiB");
    expect(bytes(2 * 1024 ** 3)).toBe("2.0 GiB");
  });
  it("says when relative to now", () => {
    const now = Date.parse("2026-01-01T00:10:00Z");
    expect(relative("2026-01-01T00:07:00Z", now)).toBe("3 min ago");
    expect(relative("2026-01-01T00:15:00Z", now)).toBe("in 5 min");
    expect(relative(null, now)).toBe("never");
  });
  it("explains why a running space stays awake", () => {
    expect(sleepText({ state: "running", sleepsAt: null, sleepBlockedBy: ["lease", "veto:git"] })).toBe("awake: kept awake, git is working");
    expect(sleepText({ state: "running", sleepBlockedBy: ["terminal"] })).toBe("awake: terminal in use");
    expect(sleepText({ state: "paused" })).toBe("paused by a person");
    expect(sleepText({ state: "sleeping" })).toBe("asleep; wakes on use");
  });
});

describe("terminal session", () => {
  it("resumes with session and since, and never sends since for a session this tab never saw", () => {
    const client = new ClawdspaceClient({ baseUrl: "https://h:1" });
    const size = { cols: 80, rows: 24 };
    const a = new URL(client.terminalUrl("x", socketQuery("tk", { session: { id: "s1", offset: 42 }, view: false }, size)));
    expect(a.protocol).toBe("wss:");
    expect(a.pathname).toBe("/api/spaces/x/terminal");
    expect(a.searchParams.get("session")).toBe("s1");
    expect(a.searchParams.get("since")).toBe("42");
    expect(a.searchParams.has("mode")).toBe(false);
    const b = new URL(client.terminalUrl("x", socketQuery("tk", { session: { id: "s2", offset: -1 }, view: true }, size)));
    expect(b.searchParams.has("since")).toBe(false);
    expect(b.searchParams.get("mode")).toBe("view");
    const c = new URL(client.terminalUrl("x", socketQuery("t9", { view: false }, size)));
    expect(c.searchParams.getAll("ticket")).toEqual(["t9"]);
    expect(c.searchParams.has("session")).toBe(false);
    expect(c.searchParams.get("cols")).toBe("80");
  });
  it("backs off up to 15 s", () => {
    expect(backoff(0)).toBeLessThanOrEqual(1200);
    expect(backoff(10)).toBeLessThanOrEqual(18_000);
    expect(backoff(10)).toBeGreaterThanOrEqual(12_000);
  });
});
