import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { DEFAULT_TERMINAL } from "../../src/compose.js";

const base = { HOME: "/home/tester" };

describe("terminal settings", () => {
  it("default to the documented values, the same the composition uses when none are given", () => {
    expect(loadConfig(base).terminal).toEqual(DEFAULT_TERMINAL);
  });

  it("read origins as a comma list and bound the numbers", () => {
    const cfg = loadConfig({ ...base, TERMINAL_ALLOWED_ORIGINS: " https://a.example , https://b.example,", TERMINAL_BUFFER_BYTES: "65536", TERMINAL_IDLE_MS: "5000" });
    expect(cfg.terminal).toMatchObject({ allowedOrigins: ["https://a.example", "https://b.example"], bufferBytes: 65536, idleMs: 5000 });
    expect(() => loadConfig({ ...base, TERMINAL_BUFFER_BYTES: "10" })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, HISTORY_POLL_MS: "soon" })).toThrow(/HISTORY_POLL_MS/);
  });
});
