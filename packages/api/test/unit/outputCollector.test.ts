import { StringDecoder } from "node:string_decoder";
import { describe, expect, it } from "vitest";
import { OutputCollector, completeUtf8Prefix } from "../../src/exec/outputCollector.js";

describe("completeUtf8Prefix", () => {
  it("keeps complete text whole", () => {
    for (const s of ["", "abc", "é", "aé", "€", "😀", "a😀b"]) {
      const b = Buffer.from(s);
      expect(completeUtf8Prefix(b), s).toBe(b.length);
    }
  });

  it("drops a partial character at the end, whatever its width", () => {
    for (const ch of ["é", "€", "😀"]) {
      const full = Buffer.from(`ab${ch}`);
      for (let cut = 1; cut < Buffer.byteLength(ch); cut++) {
        const b = full.subarray(0, full.length - cut);
        expect(completeUtf8Prefix(b), `${ch} minus ${cut}`).toBe(2);
      }
    }
  });

  it("a lone lead byte gives an empty prefix", () => {
    expect(completeUtf8Prefix(Buffer.from([0xf0]))).toBe(0);
    expect(completeUtf8Prefix(Buffer.from([0xc3]))).toBe(0);
  });
});

describe("OutputCollector", () => {
  it("joins a character split across chunks", () => {
    const c = new OutputCollector(1024);
    const b = Buffer.from("x😀y");
    c.sink("stdout", b.subarray(0, 2));
    c.sink("stdout", b.subarray(2, 4));
    c.sink("stdout", b.subarray(4));
    expect(c.text("stdout")).toBe("x😀y");
    expect(c.truncated).toBe(false);
  });

  it("keeps stdout and stderr apart, each with its own cap", () => {
    const c = new OutputCollector(3);
    c.sink("stdout", Buffer.from("abc"));
    c.sink("stderr", Buffer.from("de"));
    expect(c.text("stdout")).toBe("abc");
    expect(c.text("stderr")).toBe("de");
    expect(c.truncated).toBe(false);
    c.sink("stderr", Buffer.from("fg"));
    expect(c.text("stderr")).toBe("def");
    expect(c.truncated).toBe(true);
  });

  it("truncates at the cap without a broken character, at every cap", () => {
    const text = "é😀a€é😀";
    const bytes = Buffer.from(text);
    for (let cap = 1; cap < bytes.length; cap++) {
      const c = new OutputCollector(cap);
      for (const byte of bytes) c.sink("stdout", Buffer.from([byte]));
      const out = c.text("stdout");
      expect(c.truncated, `cap ${cap}`).toBe(true);
      expect(out, `cap ${cap}`).not.toContain("\uFFFD");
      expect(text.startsWith(out), `cap ${cap}: ${out}`).toBe(true);
      expect(Buffer.byteLength(out)).toBeLessThanOrEqual(cap);
      expect(Buffer.byteLength(out)).toBeGreaterThan(cap - 4);
    }
  });

  it("marks truncation when a chunk arrives after the cap is full", () => {
    const c = new OutputCollector(2);
    c.sink("stdout", Buffer.from("ab"));
    expect(c.truncated).toBe(false);
    c.sink("stdout", Buffer.from("c"));
    expect(c.truncated).toBe(true);
    expect(c.text("stdout")).toBe("ab");
  });
});

describe("StringDecoder (the NDJSON stream's decoder)", () => {
  it("never splits a character across chunk boundaries", () => {
    const text = "héllo 😀 wörld €";
    const bytes = Buffer.from(text);
    for (let i = 0; i <= bytes.length; i++) {
      const d = new StringDecoder("utf8");
      const parts = [d.write(bytes.subarray(0, i)), d.write(bytes.subarray(i)), d.end()];
      for (const p of parts) expect(p).not.toContain("\uFFFD");
      expect(parts.join("")).toBe(text);
    }
  });
});
