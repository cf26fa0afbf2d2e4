import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { opener, run } from "../../src/commands/dashboard.js";
import type { Context } from "../../src/context.js";

describe("dashboard", () => {
  it("opens a browser only where one can show a page", () => {
    expect(opener("linux", {})).toBeNull();
    expect(opener("linux", { DISPLAY: ":0" })).toBe("xdg-open");
    expect(opener("darwin", {})).toBe("open");
    expect(opener("linux", { BROWSER: "firefox" })).toBe("firefox");
  });

  it("never hands the key to the browser: not in the URL, not in argv", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cs-dash-"));
    const argvFile = join(dir, "argv");
    const browser = join(dir, "browser.sh");
    // Written aside and renamed, so the test never reads a file the redirect made but printf has not filled yet.
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > ${argvFile}.tmp && mv ${argvFile}.tmp ${argvFile}\n`, { mode: 0o755 });
    const written: string[] = [];
    const ctx = {
      settings: { url: "http://127.0.0.1:7777", key: "secret-key-123" },
      out: { write: (s: string) => written.push(s) },
      err: { write: (s: string) => written.push(s) },
    } as unknown as Context;
    const saved = process.env.BROWSER;
    process.env.BROWSER = browser;
    try {
      await run(ctx, [], {});
    } finally {
      if (saved === undefined) delete process.env.BROWSER;
      else process.env.BROWSER = saved;
    }
    for (let i = 0; i < 500 && !existsSync(argvFile); i++) await new Promise((r) => setTimeout(r, 20));
    const argv = readFileSync(argvFile, "utf8");
    expect(argv).toContain("http://127.0.0.1:7777/");
    expect(argv).not.toContain("secret-key-123");
    expect(written.join("")).toBe("http://127.0.0.1:7777/\n");
  });
});
