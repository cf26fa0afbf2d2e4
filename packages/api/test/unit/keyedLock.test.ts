import { describe, expect, it } from "vitest";
import { KeyedLock } from "../../src/core/keyedLock.js";

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe("KeyedLock", () => {
  it("runs work on one key one at a time, in call order", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const task = (id: string, ms: number) =>
      lock.run("k", async () => {
        log.push(`start ${id}`);
        await tick(ms);
        log.push(`end ${id}`);
        return id;
      });
    const results = await Promise.all([task("a", 30), task("b", 1), task("c", 10)]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("runs different keys concurrently", async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const p1 = lock.run("x", async () => {
      log.push("x start");
      await tick(30);
      log.push("x end");
    });
    const p2 = lock.run("y", async () => {
      log.push("y start");
      await tick(1);
      log.push("y end");
    });
    await Promise.all([p1, p2]);
    expect(log).toEqual(["x start", "y start", "y end", "x end"]);
  });

  it("a failure reaches its caller and does not block the next", async () => {
    const lock = new KeyedLock();
    const failing = lock.run("k", async () => {
      await tick(5);
      throw new Error("nope");
    });
    const next = lock.run("k", async () => "ok");
    await expect(failing).rejects.toThrow("nope");
    await expect(next).resolves.toBe("ok");
  });

  it("is busy while work runs and free after", async () => {
    const lock = new KeyedLock();
    let release!: () => void;
    const p = lock.run("k", () => new Promise<void>((r) => (release = r)));
    expect(lock.isBusy("k")).toBe(true);
    expect(lock.isBusy("other")).toBe(false);
    await tick();
    expect(lock.isBusy("k")).toBe(true);
    release();
    await p;
    expect(lock.isBusy("k")).toBe(false);
  });
});
