import { describe, expect, it } from "vitest";
import { formatBytes, parseMemory } from "./memory.js";

describe("parseMemory", () => {
  it.each([
    ["512m", 512 * 1024 ** 2],
    ["2g", 2 * 1024 ** 3],
    ["1.5g", 1.5 * 1024 ** 3],
    ["2G", 2 * 1024 ** 3],
    ["64k", 64 * 1024],
    ["1t", 1024 ** 4],
    ["2gb", 2 * 1024 ** 3],
    ["512", 512 * 1024 ** 2],
    [256, 256 * 1024 ** 2],
  ] as const)("%s -> %d bytes", (input, bytes) => {
    expect(parseMemory(input)).toBe(bytes);
  });

  it.each(["", "abc", "2x", "-1g", "0", "0m", "1.2.3g", "512b", "g", "1e9"])("refuses %j", (input) => {
    expect(parseMemory(input)).toBeNull();
  });

  it("refuses non-finite numbers", () => {
    expect(parseMemory(Number.NaN)).toBeNull();
    expect(parseMemory(-5)).toBeNull();
  });
});

describe("formatBytes", () => {
  it("prints binary multiples with one decimal", () => {
    expect(formatBytes(15.5 * 1024 ** 3)).toBe("15.5 GB");
    expect(formatBytes(512)).toBe("512 B");
  });
});
