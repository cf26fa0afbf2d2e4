import { describe, expect, it } from "vitest";
import { decideSleep, type SleepInputs, type SleepPolicy } from "../../src/sleep/decide.js";
import type { SpaceStateRow } from "../../src/sleep/spaceStateRepo.js";

const NOW = 1_900_000_000_000;
const MIN = 60_000;
const POLICY: SleepPolicy = { idleTimeoutMs: 10 * MIN, hibernateAfterMs: 60 * MIN, checkValidMs: 45_000 };

function row(over: Partial<SpaceStateRow> = {}): SpaceStateRow {
  return {
    name: "s",
    lastActivityAt: NOW,
    lastActivitySource: "exec",
    pausedBy: null,
    pausedAt: null,
    hibernatedAt: null,
    leaseUntil: null,
    veto: null,
    vetoAt: null,
    ...over,
  };
}

function decide(over: Partial<Omit<SleepInputs, "row">> & { row?: Partial<SpaceStateRow> } = {}, policy: Partial<SleepPolicy> = {}) {
  const { row: r, ...rest } = over;
  return decideSleep({ now: NOW, runtimeState: "running", running: { exec: 0, terminal: 0 }, ...rest, row: row(r) }, { ...POLICY, ...policy });
}

const reasons = (d: ReturnType<typeof decide>) => d.blockedBy.map((b) => b.reason);

describe("decideSleep: running spaces", () => {
  it("idle for less than the timeout: none, pauseAt = lastActivityAt + idle, hibernateAt after that", () => {
    const d = decide({ row: { lastActivityAt: NOW - 3 * MIN } });
    expect(d).toEqual({ action: "none", state: "running", pauseAt: NOW + 7 * MIN, hibernateAt: NOW + 67 * MIN, blockedBy: [] });
  });

  it("one ms before the timeout is still none; at and after the timeout is check", () => {
    expect(decide({ row: { lastActivityAt: NOW - 10 * MIN + 1 } }).action).toBe("none");
    const at = decide({ row: { lastActivityAt: NOW - 10 * MIN } });
    expect(at.action).toBe("check");
    expect(at.pauseAt).toBe(NOW);
    expect(decide({ row: { lastActivityAt: NOW - 30 * MIN } }).action).toBe("check");
  });

  it("a lease in the future blocks with its until, and there is no pauseAt", () => {
    const d = decide({ row: { lastActivityAt: NOW - 30 * MIN, leaseUntil: NOW + 5 * MIN } });
    expect(d.action).toBe("none");
    expect(d.pauseAt).toBeNull();
    expect(d.hibernateAt).toBeNull();
    expect(d.blockedBy).toEqual([{ reason: "lease", until: NOW + 5 * MIN }]);
  });

  it("an expired lease no longer blocks: the space is due again", () => {
    const d = decide({ row: { lastActivityAt: NOW - 30 * MIN, leaseUntil: NOW - 1 } });
    expect(d.action).toBe("check");
    expect(d.blockedBy).toEqual([]);
    expect(d.pauseAt).toBe(NOW - 1);
  });

  it("a lease that ends after the idle deadline moves pauseAt to the lease end", () => {
    const d = decide({ row: { lastActivityAt: NOW - 9 * MIN, leaseUntil: NOW } });
    expect(d.pauseAt).toBe(NOW + MIN);
    const later = decide({ row: { lastActivityAt: NOW - 30 * MIN, leaseUntil: NOW } });
    expect(later.pauseAt).toBe(NOW);
    expect(later.action).toBe("check");
  });

  it.each([
    [{ exec: 1, terminal: 0 }, ["exec"]],
    [{ exec: 0, terminal: 2 }, ["terminal"]],
    [{ exec: 3, terminal: 1 }, ["exec", "terminal"]],
  ])("running %o blocks: %o", (running, expected) => {
    const d = decide({ running, row: { lastActivityAt: NOW - 30 * MIN } });
    expect(d.action).toBe("none");
    expect(d.pauseAt).toBeNull();
    expect(reasons(d)).toEqual(expected);
  });

  it("idleTimeoutMs 0 disables pausing however long the space was idle", () => {
    const d = decide({ row: { lastActivityAt: NOW - 365 * 24 * 60 * MIN } }, { idleTimeoutMs: 0 });
    expect(d.action).toBe("none");
    expect(d.pauseAt).toBeNull();
    expect(reasons(d)).toEqual(["disabled"]);
  });

  it("a fresh busy CPU verdict shows as blockedBy cpu; the clock still says check", () => {
    const d = decide({ row: { lastActivityAt: NOW - 30 * MIN }, cpu: { busy: true, at: NOW - 45_000 } });
    expect(reasons(d)).toEqual(["cpu"]);
    expect(d.action).toBe("check");
  });

  it("a stale CPU verdict, or a calm one, is ignored", () => {
    expect(reasons(decide({ row: { lastActivityAt: NOW - 30 * MIN }, cpu: { busy: true, at: NOW - 45_001 } }))).toEqual([]);
    expect(reasons(decide({ row: { lastActivityAt: NOW - 30 * MIN }, cpu: { busy: false, at: NOW } }))).toEqual([]);
  });

  it.each(["veto:git", "veto:pkg"] as const)("a fresh %s blocks; a stale one is ignored", (veto) => {
    const fresh = decide({ row: { lastActivityAt: NOW - 30 * MIN, veto, vetoAt: NOW - 10_000 } });
    expect(reasons(fresh)).toEqual([veto]);
    const stale = decide({ row: { lastActivityAt: NOW - 30 * MIN, veto, vetoAt: NOW - 45_001 } });
    expect(reasons(stale)).toEqual([]);
    expect(reasons(decide({ row: { lastActivityAt: NOW - 30 * MIN, veto, vetoAt: null } }))).toEqual([]);
  });

  it("an unknown veto string is not reported", () => {
    expect(reasons(decide({ row: { lastActivityAt: NOW - 30 * MIN, veto: "veto:other", vetoAt: NOW } }))).toEqual([]);
  });
});

describe("decideSleep: paused and stopped spaces", () => {
  it("paused by a person: state paused, blockedBy user-paused, never hibernated", () => {
    for (const pausedAt of [NOW - 1000, NOW - 1000 * 24 * 60 * MIN]) {
      const d = decide({ runtimeState: "paused", row: { pausedBy: "user", pausedAt, lastActivityAt: pausedAt } });
      expect(d).toEqual({ action: "none", state: "paused", pauseAt: null, hibernateAt: null, blockedBy: [{ reason: "user-paused" }] });
    }
  });

  it("paused with no record of who paused it counts as a person's pause", () => {
    const d = decide({ runtimeState: "paused", row: { lastActivityAt: NOW - 1000 * MIN } });
    expect(d.state).toBe("paused");
    expect(d.action).toBe("none");
  });

  it("paused by idle: sleeping, hibernateAt = pausedAt + hibernateAfterMs, hibernate once reached", () => {
    const pausedAt = NOW - 30 * MIN;
    const before = decide({ runtimeState: "paused", row: { pausedBy: "idle", pausedAt } });
    expect(before).toEqual({ action: "none", state: "sleeping", pauseAt: null, hibernateAt: pausedAt + 60 * MIN, blockedBy: [] });
    const at = decide({ runtimeState: "paused", row: { pausedBy: "idle", pausedAt: NOW - 60 * MIN } });
    expect(at.action).toBe("hibernate");
    expect(at.hibernateAt).toBe(NOW);
    expect(decide({ runtimeState: "paused", row: { pausedBy: "idle", pausedAt: NOW - 60 * MIN + 1 } }).action).toBe("none");
  });

  it("hibernateAfterMs 0: a sleeping space never hibernates (blockedBy disabled)", () => {
    const d = decide({ runtimeState: "paused", row: { pausedBy: "idle", pausedAt: NOW - 1000 * MIN } }, { hibernateAfterMs: 0 });
    expect(d).toEqual({ action: "none", state: "sleeping", pauseAt: null, hibernateAt: null, blockedBy: [{ reason: "disabled" }] });
  });

  it("stopped with hibernatedAt is hibernated; stopped without is stopped; neither acts", () => {
    const h = decide({ runtimeState: "stopped", row: { hibernatedAt: NOW - MIN, lastActivityAt: NOW - 1000 * MIN } });
    expect(h).toEqual({ action: "none", state: "hibernated", pauseAt: null, hibernateAt: null, blockedBy: [] });
    const s = decide({ runtimeState: "stopped", row: { lastActivityAt: NOW - 1000 * MIN } });
    expect(s).toEqual({ action: "none", state: "stopped", pauseAt: null, hibernateAt: null, blockedBy: [] });
  });
});
