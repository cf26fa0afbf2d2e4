import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveApiKey } from "../../src/http/apiKey.js";

describe("resolveApiKey", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(os.tmpdir(), "cs-key-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("generates a key file with mode 0600 on first start", async () => {
    const dataDir = join(dir, "nested", "data");
    const k = await resolveApiKey(undefined, dataDir);
    expect(k.generated).toBe(true);
    expect(k.origin).toBe(join(dataDir, "api-key"));
    expect(k.key).toMatch(/^cs_[A-Za-z0-9_-]{40,}$/);
    const st = await stat(k.origin);
    expect(st.mode & 0o777).toBe(0o600);
    expect((await readFile(k.origin, "utf8")).trim()).toBe(k.key);
  });

  it("reuses the key next time", async () => {
    const first = await resolveApiKey(undefined, dir);
    const second = await resolveApiKey(undefined, dir);
    expect(second.key).toBe(first.key);
    expect(second.generated).toBe(false);
  });

  it("two first starts in two dirs make different keys", async () => {
    const a = await resolveApiKey(undefined, join(dir, "a"));
    const b = await resolveApiKey(undefined, join(dir, "b"));
    expect(a.key).not.toBe(b.key);
  });

  it("tightens a key file left with loose permissions", async () => {
    const file = join(dir, "api-key");
    await writeFile(file, "cs_existing\n", { mode: 0o644 });
    const k = await resolveApiKey(undefined, dir);
    expect(k.key).toBe("cs_existing");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("replaces an empty key file", async () => {
    await writeFile(join(dir, "api-key"), "\n");
    const k = await resolveApiKey(undefined, dir);
    expect(k.generated).toBe(true);
    expect(k.key.length).toBeGreaterThan(20);
  });

  it("the environment's key wins and touches no file", async () => {
    await resolveApiKey(undefined, dir);
    const k = await resolveApiKey("from-env", dir);
    expect(k).toEqual({ key: "from-env", origin: "env", generated: false });
    const untouched = join(dir, "never");
    await resolveApiKey("from-env", untouched);
    await expect(stat(untouched)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
