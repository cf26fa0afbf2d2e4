import { describe, expect, it } from "vitest";
import { StreamDemuxer } from "../../src/engine/docker/demux.js";
import type { OutputStream } from "../../src/engine/ports/exec.js";

const frame = (type: 1 | 2, payload: string | Buffer): Buffer => {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
};

/** Feeds chunks and returns what came out, with adjacent chunks of one stream joined. */
function run(chunks: Buffer[]): Array<[OutputStream, string]> {
  const out: Array<[OutputStream, Buffer]> = [];
  const d = new StreamDemuxer((s, c) => {
    const last = out.at(-1);
    if (last && last[0] === s) last[1] = Buffer.concat([last[1], c]);
    else out.push([s, Buffer.from(c)]);
  });
  for (const c of chunks) d.push(c);
  return out.map(([s, b]) => [s, b.toString("utf8")]);
}

describe("StreamDemuxer", () => {
  const stream = Buffer.concat([frame(1, "hello "), frame(2, "oops"), frame(1, "wörld 😀"), frame(2, "!")]);
  const expected: Array<[OutputStream, string]> = [
    ["stdout", "hello "],
    ["stderr", "oops"],
    ["stdout", "wörld 😀"],
    ["stderr", "!"],
  ];

  it("splits a whole stream into interleaved stdout and stderr", () => {
    expect(run([stream])).toEqual(expected);
  });

  it("gives the same result when split at every byte offset", () => {
    for (let i = 0; i <= stream.length; i++) {
      expect(run([stream.subarray(0, i), stream.subarray(i)]), `split at ${i}`).toEqual(expected);
    }
  });

  it("gives the same result when split at every pair of offsets", () => {
    for (let i = 0; i <= stream.length; i += 3) {
      for (let j = i; j <= stream.length; j += 2) {
        expect(run([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]), `split at ${i},${j}`).toEqual(expected);
      }
    }
  });

  it("gives the same result fed one byte at a time", () => {
    expect(run([...stream].map((b) => Buffer.from([b])))).toEqual(expected);
  });

  it("skips zero-length frames without losing its place", () => {
    const s = Buffer.concat([frame(1, ""), frame(2, "e"), frame(1, ""), frame(1, ""), frame(1, "o"), frame(2, "")]);
    expect(run([s])).toEqual([
      ["stderr", "e"],
      ["stdout", "o"],
    ]);
    for (let i = 0; i <= s.length; i++) {
      expect(run([s.subarray(0, i), s.subarray(i)])).toEqual([
        ["stderr", "e"],
        ["stdout", "o"],
      ]);
    }
  });

  it("never emits empty chunks", () => {
    const seen: number[] = [];
    const d = new StreamDemuxer((_s, c) => seen.push(c.length));
    d.push(Buffer.concat([frame(1, ""), frame(2, ""), frame(1, "ab")]));
    expect(seen).toEqual([2]);
  });

  it("handles a payload larger than 64 KiB split across pushes", () => {
    const big = Buffer.alloc(200_000, 0x61);
    const s = frame(1, big);
    const out = run([s.subarray(0, 5), s.subarray(5, 70_000), s.subarray(70_000)]);
    expect(out).toHaveLength(1);
    expect(out[0]![0]).toBe("stdout");
    expect(out[0]![1].length).toBe(200_000);
  });

  it("holds a partial header until the rest arrives", () => {
    const emitted: string[] = [];
    const d = new StreamDemuxer((_s, c) => emitted.push(c.toString()));
    const f = frame(2, "late");
    d.push(f.subarray(0, 5));
    expect(emitted).toEqual([]);
    d.push(f.subarray(5));
    expect(emitted).toEqual(["late"]);
  });
});
