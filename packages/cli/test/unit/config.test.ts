import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { normalizeUrl, parseConfigText, quoteValue, readConfigFile, resolveSettings, writeConfigFile } from "../../src/config.js";

const home = () => mkdtempSync(join(tmpdir(), "cs-cfg-"));

describe("~/.clawdspace", () => {
  it("reads KEY=\"value\" lines as the bash CLI writes them, without running anything", () => {
    const text = [
      "# comment",
      'CLAWDSPACE_URL="http://host:7777"',
      "export CLAWDSPACE_KEY='k$(touch /tmp/pwned)'",
      "OTHER=plain # trailing comment",
      'ESCAPED="a\\"b\\\\c\\$d"',
      "not a line",
    ].join("\n");
    expect(parseConfigText(text)).toEqual({
      CLAWDSPACE_URL: "http://host:7777",
      CLAWDSPACE_KEY: "k$(touch /tmp/pwned)",
      OTHER: "plain",
      ESCAPED: 'a"b\\c$d',
    });
  });

  it("writes values that bash's `source` reads back unchanged", () => {
    const dir = home();
    const file = join(dir, ".clawdspace");
    const key = 'we!rd "key" $HOME `id` \\ end';
    writeConfigFile({ url: "http://x:1", key }, file);
    const out = spawnSync("bash", ["-c", `source "${file}"; printf %s "$CLAWDSPACE_KEY"`], { encoding: "utf8" });
    expect(out.stdout).toBe(key);
    expect(readConfigFile(file).values.CLAWDSPACE_KEY).toBe(key);
    expect(quoteValue("$x")).toBe('"\\$x"');
  });

  it("is created 0600, keeps other lines and replaces the old values", () => {
    const dir = home();
    const file = join(dir, ".clawdspace");
    writeFileSync(file, 'CLAWDSPACE_URL="http://old"\nMY_SETTING="keep me"\nCLAWDSPACE_KEY="old"\n', { mode: 0o644 });
    writeConfigFile({ url: "http://new:7777", key: "newkey" }, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, "utf8");
    expect(text).toBe('CLAWDSPACE_URL="http://new:7777"\nMY_SETTING="keep me"\nCLAWDSPACE_KEY="newkey"\n');
  });

  it("tightens a file others can read when reading it", () => {
    const dir = home();
    const file = join(dir, ".clawdspace");
    writeFileSync(file, 'CLAWDSPACE_KEY="k"\n');
    chmodSync(file, 0o644);
    expect(readConfigFile(file).tightened).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readConfigFile(file).tightened).toBe(false);
  });

  it("flags beat the environment, which beats the file", () => {
    const dir = home();
    writeConfigFile({ url: "http://file:1", key: "file-key" }, join(dir, ".clawdspace"));
    expect(resolveSettings({}, { HOME: dir })).toMatchObject({ url: "http://file:1", key: "file-key", urlSource: "file", keySource: "file" });
    expect(resolveSettings({}, { HOME: dir, CLAWDSPACE_URL: "http://env:2", CLAWDSPACE_KEY: "env-key" })).toMatchObject({
      url: "http://env:2",
      key: "env-key",
      urlSource: "env",
    });
    expect(resolveSettings({ url: "http://flag:3", key: "flag-key" }, { HOME: dir, CLAWDSPACE_KEY: "env-key" })).toMatchObject({
      url: "http://flag:3",
      key: "flag-key",
      keySource: "flag",
    });
    expect(resolveSettings({}, { HOME: home() })).toMatchObject({ url: "http://localhost:7777", urlSource: "default", key: undefined, keySource: "none" });
  });

  it("normalises URLs and refuses ones that would carry a secret", () => {
    expect(normalizeUrl("localhost:7777")).toBe("http://localhost:7777");
    expect(normalizeUrl("https://cs.example.com/api/")).toBe("https://cs.example.com");
    expect(normalizeUrl("https://cs.example.com/prefix/")).toBe("https://cs.example.com/prefix");
    expect(() => normalizeUrl("http://h/?key=abc")).toThrow(/must not carry/);
    expect(() => normalizeUrl("http://user:pw@h")).toThrow(/must not carry/);
    expect(() => normalizeUrl("ftp://h")).toThrow(/not an http/);
  });
});
