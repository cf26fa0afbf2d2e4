import { readdirSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentAsync, cleanupTemps, json, logOf, parseRecords, payloadOf, requireBinary, sleep, startTask, status, tempRoot,
  waitExited, waitFor,
} from "./helpers.js";

beforeAll(requireBinary);
afterAll(cleanupTemps);

/** The segment files of a task, parsed straight from disk: name offset and records. */
function segments(dir: string) {
  return readdirSync(dir)
    .filter((n) => /^log-\d{16}\.bin$/.test(n))
    .sort()
    .map((name) => ({ start: Number(name.slice(4, 20)), size: readFileSync(join(dir, name)).length, recs: parseRecords(readFileSync(join(dir, name))) }));
}

describe("log records", () => {
  it("interleaves stdout and stderr in order with logical offsets", async () => {
    const dir = join(tempRoot(), "t");
    startTask(dir, ["sh", "-c", "printf a; sleep 0.1; printf bb >&2; sleep 0.1; printf ccc; sleep 0.1; printf dddd >&2"]);
    const s = await waitExited(dir);
    expect(s).toMatchObject({ stdoutBytes: 4, stderrBytes: 6, droppedBytes: 0, logStart: 0, logEnd: 10 });
    const recs = logOf(dir);
    expect(recs[0]!.tag).toBe("h");
    expect(json(recs[0]!)).toEqual({ logStart: 0, logEnd: 10, from: 0 });
    expect(recs.slice(1).map((r) => [r.tag, r.payload.toString()])).toEqual([
      ["o", "a"],
      ["e", "bb"],
      ["o", "ccc"],
      ["e", "dddd"],
    ]);
    // Offsets count both streams: offset 3 is the first byte of "ccc".
    const from3 = logOf(dir, "--offset", "3");
    expect(json(from3[0]!)).toEqual({ logStart: 0, logEnd: 10, from: 3 });
    expect(from3.slice(1).map((r) => [r.tag, r.payload.toString()])).toEqual([["o", "ccc"], ["e", "dddd"]]);
  });

  it("cuts a record straddling the offset exactly, and stops at max-bytes", async () => {
    const dir = join(tempRoot(), "t");
    startTask(dir, ["sh", "-c", "printf 'hello world'; sleep 0.1; printf 'second' >&2"]);
    await waitExited(dir);
    const recs = logOf(dir, "--offset", "3");
    expect(json(recs[0]!).from).toBe(3);
    expect(recs.slice(1).map((r) => [r.tag, r.payload.toString()])).toEqual([["o", "lo world"], ["e", "second"]]);
    const limited = logOf(dir, "--offset", "9", "--max-bytes", "4");
    expect(limited.slice(1).map((r) => [r.tag, r.payload.toString()])).toEqual([["o", "ld"], ["e", "se"]]);
    const past = logOf(dir, "--offset", "1000");
    expect(json(past[0]!)).toEqual({ logStart: 0, logEnd: 17, from: 1000 });
    expect(past).toHaveLength(1);
  });

  it("never ends a record inside a UTF-8 sequence split across writes", async () => {
    const dir = join(tempRoot(), "t");
    // € is e2 82 ac, 😀 is f0 9f 98 80; each is written in pieces with pauses so the reads split them.
    const script =
      "printf 'a\\342'; sleep 0.15; printf '\\202'; sleep 0.15; printf '\\254b'; sleep 0.15;" +
      "printf '\\360'; sleep 0.15; printf '\\237\\230'; sleep 0.15; printf '\\200'; sleep 0.15; printf 'end\\342'";
    startTask(dir, ["sh", "-c", script]);
    await waitExited(dir);
    const recs = logOf(dir).filter((r) => r.tag === "o");
    const all = Buffer.concat(recs.map((r) => r.payload));
    expect(all).toEqual(Buffer.from([0x61, 0xe2, 0x82, 0xac, 0x62, 0xf0, 0x9f, 0x98, 0x80, 0x65, 0x6e, 0x64, 0xe2]));
    expect(recs.length).toBeGreaterThanOrEqual(3);
    // All but the last record (the EOF flush of a dangling lead byte) decode cleanly on their own.
    for (const r of recs.slice(0, -1)) {
      expect(Buffer.from(r.payload.toString("utf8"), "utf8")).toEqual(r.payload);
    }
    expect(recs.some((r) => r.payload.toString() === "€b" || r.payload.toString().includes("€"))).toBe(true);
    expect(recs.some((r) => r.payload.toString().includes("😀"))).toBe(true);
  });

  it("keeps records to 64 KiB and loses nothing of a large burst", async () => {
    const dir = join(tempRoot(), "t");
    startTask(dir, ["sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"]);
    const s = await waitExited(dir);
    expect(s.logEnd).toBe(300000);
    const recs = logOf(dir, "--max-bytes", "1000000").slice(1);
    expect(recs.every((r) => r.payload.length <= 65536)).toBe(true);
    expect(payloadOf(recs).toString()).toBe("x".repeat(300000));
  });

  it("rotates segments, named by logical offset, and drops the oldest over the cap", async () => {
    const dir = join(tempRoot(), "t");
    // 40 bursts of 1000 bytes, apart in time so each is a record of its own; letters tell them apart.
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const expected = Array.from({ length: 40 }, (_, i) => letters[i % 26]!.repeat(999) + "\n").join("");
    const script = `for c in ${Array.from({ length: 40 }, (_, i) => letters[i % 26]).join(" ")}; do ` +
      `head -c 999 /dev/zero | tr '\\0' $c; echo; sleep 0.02; done`;
    startTask(dir, ["sh", "-c", script], ["--segment-bytes", "2048", "--log-cap-bytes", "8192"]);
    const s = await waitExited(dir);
    expect(s.logEnd).toBe(expected.length);
    const segs = segments(dir);
    expect(segs.length).toBeGreaterThan(1);
    expect(s.logStart).toBeGreaterThan(0);
    expect(segs[0]!.start).toBe(s.logStart);
    // Each name is the previous one plus the payload it holds; every closed segment reached the size.
    for (let i = 1; i < segs.length; i++) {
      const prev = segs[i - 1]!;
      expect(segs[i]!.start).toBe(prev.start + prev.recs.reduce((n, r) => n + r.payload.length, 0));
      expect(prev.size).toBeGreaterThanOrEqual(2048);
    }
    const retained = (s.logEnd as number) - (s.logStart as number);
    expect(retained).toBeLessThanOrEqual(8192);
    // The segment before the oldest kept one (at most ~3 records) would have pushed it over the cap.
    expect(retained).toBeGreaterThan(8192 - 4096);
    const recs = logOf(dir);
    expect(json(recs[0]!)).toEqual({ logStart: s.logStart, logEnd: s.logEnd, from: s.logStart });
    expect(payloadOf(recs).toString()).toBe(expected.slice(s.logStart as number));
  });

  it("says with a g record what was skipped when segments vanish under the reader", async () => {
    const dir = join(tempRoot(), "t");
    // Bursts apart in time, each over the segment size: one segment apiece.
    const burst = (c: string) => `head -c 1500 /dev/zero | tr '\\0' ${c}; sleep 0.1`;
    startTask(dir, ["sh", "-c", ["a", "b", "c", "d"].map(burst).join("; ")], ["--segment-bytes", "1024"]);
    await waitExited(dir);
    const segs = segments(dir);
    expect(segs.length).toBeGreaterThanOrEqual(3);
    const [a, b, c] = segs;
    unlinkSync(join(dir, `log-${String(b!.start).padStart(16, "0")}.bin`));
    const recs = logOf(dir);
    const gi = recs.findIndex((r) => r.tag === "g");
    expect(gi).toBeGreaterThan(0);
    expect(json(recs[gi]!)).toEqual({ from: b!.start, to: c!.start });
    expect(payloadOf(recs.slice(1, gi)).toString()).toBe("a".repeat(b!.start - a!.start));
    expect(payloadOf(recs.slice(gi + 1)).toString()).toMatch(/^c+d+$/);
    // Starting inside the lost segment: the gap begins at the asked offset.
    const mid = logOf(dir, "--offset", String(b!.start + 5));
    expect(mid.find((r) => r.tag === "g") && json(mid.find((r) => r.tag === "g")!)).toEqual({ from: b!.start + 5, to: c!.start });
  });
});

describe("task-log --follow", () => {
  it("sees a new line within a poll and ends with an x record", async () => {
    const root = tempRoot();
    const dir = join(root, "t");
    const go = join(root, "go");
    startTask(dir, ["sh", "-c", `echo first; while [ ! -e ${go} ]; do sleep 0.01; done; echo second; sleep 0.3; exit 5`]);
    const f = agentAsync("task-log", "--dir", dir, "--follow");
    await waitFor(() => f.output().includes("first"), 5000, "first line");
    await sleep(200);
    const t0 = Date.now();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(go, "");
    await waitFor(() => f.output().includes("second"), 5000, "second line");
    const arrived = f.chunks.find((c) => c.data.includes("second"))!.at;
    expect(arrived - t0).toBeLessThan(250);
    expect(await f.done).toBe(0);
    const recs = parseRecords(f.output());
    expect(recs[0]!.tag).toBe("h");
    expect(payloadOf(recs).toString()).toBe("first\nsecond\n");
    const x = recs[recs.length - 1]!;
    expect(x.tag).toBe("x");
    expect(json(x)).toMatchObject({ id: "t", state: "exited", exitCode: 5, logEnd: 13 });
    expect(recs.filter((r) => r.tag === "x")).toHaveLength(1);
  });

  it("gives up after wait-ms without an x record while the task runs", async () => {
    const dir = join(tempRoot(), "t");
    startTask(dir, ["sh", "-c", "echo hi; sleep 5"]);
    const t0 = Date.now();
    const f = agentAsync("task-log", "--dir", dir, "--follow", "--wait-ms", "300");
    expect(await f.done).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(Date.now() - t0).toBeLessThan(2000);
    const recs = parseRecords(f.output());
    expect(recs.map((r) => r.tag)).toEqual(["h", "o"]);
    // Asking again from where it stopped sends only the header.
    expect(logOf(dir, "--offset", "3").map((r) => r.tag)).toEqual(["h"]);
    expect(status(dir).state).toBe("running");
  });
});
