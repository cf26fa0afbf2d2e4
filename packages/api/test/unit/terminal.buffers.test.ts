import { describe, expect, it } from "vitest";
import { RingBuffer } from "../../src/terminal/ringBuffer.js";
import { Utf8Chunker, completeUtf8Length } from "../../src/core/utf8.js";

describe("RingBuffer", () => {
  it("addresses bytes by absolute offset and replays from any cursor", () => {
    const r = new RingBuffer(100);
    r.append(Buffer.from("hello "));
    r.append(Buffer.from("world"));
    expect([r.start, r.end]).toEqual([0, 11]);
    expect(r.read(0).data.toString()).toBe("hello world");
    expect(r.read(3).data.toString()).toBe("lo world");
    expect(r.read(11)).toMatchObject({ next: 11, missed: 0 });
    expect(r.read(11).data.length).toBe(0);
    // a cursor past the end is clamped, not an error
    expect(r.read(50).next).toBe(11);
  });

  it("evicts whole chunks from the front and reports what a cursor missed", () => {
    const r = new RingBuffer(10);
    for (const s of ["aaaa", "bbbb", "cccc"]) r.append(Buffer.from(s));
    expect([r.start, r.end]).toEqual([4, 12]);
    const got = r.read(1);
    expect(got).toMatchObject({ missed: 3, next: 12 });
    expect(got.data.toString()).toBe("bbbbcccc");
  });

  it("keeps an oversized chunk whole (bound: capacity plus one chunk)", () => {
    const r = new RingBuffer(4);
    r.append(Buffer.from("ab"));
    r.append(Buffer.from("0123456789"));
    expect([r.start, r.end]).toEqual([2, 12]);
    expect(r.read(2).data.toString()).toBe("0123456789");
  });

  it("hands out at most about max bytes per read, in whole chunks", () => {
    const r = new RingBuffer(1000);
    for (let i = 0; i < 10; i++) r.append(Buffer.alloc(10, 65 + i));
    const first = r.read(0, 25);
    expect(first.data.length).toBe(20);
    expect(first.next).toBe(20);
    expect(r.read(5, 1).data.length).toBe(5);
  });
});

describe("UTF-8 boundaries", () => {
  it("finds the end of the last complete character", () => {
    const euro = Buffer.from("a€", "utf8"); // 61 e2 82 ac
    expect(completeUtf8Length(euro)).toBe(4);
    expect(completeUtf8Length(euro.subarray(0, 3))).toBe(1);
    expect(completeUtf8Length(euro.subarray(0, 2))).toBe(1);
    const emoji = Buffer.from("🎉", "utf8");
    expect(completeUtf8Length(emoji.subarray(0, 3))).toBe(0);
    // invalid bytes are passed on, never held forever
    expect(completeUtf8Length(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80]))).toBe(5);
    expect(completeUtf8Length(Buffer.from([0x41, 0xff]))).toBe(2);
  });

  it("re-joins characters cut at every possible place", () => {
    const text = "héllo 世界 🎉 ✓ end";
    const bytes = Buffer.from(text, "utf8");
    for (let size = 1; size <= 5; size++) {
      const c = new Utf8Chunker();
      const pieces: string[] = [];
      for (let i = 0; i < bytes.length; i += size) {
        const out = c.push(bytes.subarray(i, i + size));
        // every piece decodes on its own
        expect(out.toString("utf8")).not.toContain("\uFFFD");
        pieces.push(out.toString("utf8"));
      }
      expect(c.flush().length).toBe(0);
      expect(pieces.join("")).toBe(text);
    }
  });

  it("gives back an unfinished character on flush", () => {
    const c = new Utf8Chunker();
    expect(c.push(Buffer.from([0x41, 0xe2, 0x82])).toString()).toBe("A");
    expect([...c.flush()]).toEqual([0xe2, 0x82]);
  });
});
