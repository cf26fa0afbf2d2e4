import { describe, expect, it } from "vitest";
import { completeLines, parsableChunk, parseHistory } from "../../src/terminal/historyParser.js";

describe("bash history parser", () => {
  it("takes each command's time from the #<epoch> line before it", () => {
    expect(parseHistory("#1700000000\nls -la\n#1700000005\necho hi\n")).toEqual([
      { command: "ls -la", ts: 1_700_000_000_000 },
      { command: "echo hi", ts: 1_700_000_005_000 },
    ]);
  });

  it("keeps the lines of a multi-line command together", () => {
    expect(parseHistory("#1700000000\nfor i in 1 2; do\n  echo $i\ndone\n#1700000009\npwd\n")).toEqual([
      { command: "for i in 1 2; do\n  echo $i\ndone", ts: 1_700_000_000_000 },
      { command: "pwd", ts: 1_700_000_009_000 },
    ]);
  });

  it("treats # lines that are not timestamps as commands", () => {
    expect(parseHistory("#1700000000\n# a comment\n#1700000001\n#12ab\n#\n")).toEqual([
      { command: "# a comment", ts: 1_700_000_000_000 },
      { command: "#12ab\n#", ts: 1_700_000_001_000 },
    ]);
  });

  it("takes lines without a timestamp one command each, with no time", () => {
    expect(parseHistory("ls\ncd /tmp\n\n#1700000000\nwhoami\n")).toEqual([
      { command: "ls" },
      { command: "cd /tmp" },
      { command: "whoami", ts: 1_700_000_000_000 },
    ]);
  });

  it("skips a timestamp with no command and handles CRLF", () => {
    expect(parseHistory("#1700000000\n#1700000001\r\necho x\r\n")).toEqual([{ command: "echo x", ts: 1_700_000_001_000 }]);
  });

  it("reads only complete lines", () => {
    expect(completeLines(Buffer.from("a\nb\nhalf")).toString()).toBe("a\nb\n");
    expect(completeLines(Buffer.from("half")).length).toBe(0);
  });

  it("never parses a timestamp apart from its command", () => {
    const b = (s: string) => Buffer.from(s);
    // more is left to read: the last entry may go on, so it waits
    expect(parsableChunk(b("#1\na\n#2\nb\n#3\nc"), false).toString()).toBe("#1\na\n#2\nb\n");
    // at the end of the file the last entry is complete, unless it is a bare timestamp
    expect(parsableChunk(b("#1\na\n#2\nb\n"), true).toString()).toBe("#1\na\n#2\nb\n");
    expect(parsableChunk(b("#1\na\n#2\n"), true).toString()).toBe("#1\na\n");
    // one entry bigger than a read is taken rather than never
    expect(parsableChunk(b("#1\nlong\nlong\n"), false).toString()).toBe("#1\nlong\nlong\n");
    expect(parsableChunk(b("x\ny\n"), false).toString()).toBe("x\ny\n");
  });
});
