import { describe, expect, it } from "vitest";
import { estimateStartedAt, foldState } from "../../src/engine/docker/status.js";

const NOW = Date.parse("2024-06-01T12:00:00.000Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("estimateStartedAt", () => {
  it.each([
    ["Up 5 minutes", 5 * MIN],
    ["Up 1 minute", MIN],
    ["Up About a minute", MIN],
    ["Up About an hour", HOUR],
    ["Up 2 hours", 2 * HOUR],
    ["Up 45 seconds", 45_000],
    ["Up Less than a second", 0],
    ["Up 3 days (Paused)", 3 * DAY],
    ["Up 2 weeks", 14 * DAY],
    ["Up 7 hours (healthy)", 7 * HOUR],
  ])("%s -> now minus %d ms", (status, ago) => {
    expect(estimateStartedAt(status, NOW)?.getTime()).toBe(NOW - ago);
  });

  it.each([["Exited (0) 2 hours ago"], ["Created"], ["Restarting (1) 3 seconds ago"], [""], [undefined], ["Up forever"]])(
    "%s -> null",
    (status) => {
      expect(estimateStartedAt(status, NOW)).toBeNull();
    },
  );
});

describe("foldState", () => {
  it.each([
    ["running", "running"],
    ["restarting", "running"],
    ["paused", "paused"],
    ["exited", "stopped"],
    ["created", "stopped"],
    ["dead", "stopped"],
    ["removing", "stopped"],
    [undefined, "stopped"],
  ])("%s -> %s", (docker, ours) => {
    expect(foldState(docker)).toBe(ours);
  });
});
