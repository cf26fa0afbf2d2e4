import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface KeySource {
  key: string;
  /** Where it came from: "env" or the file that holds it. */
  origin: string;
  generated: boolean;
}

/** API_KEY from the environment, or the key kept in the data dir (made on first start, mode 0600). */
export async function resolveApiKey(envKey: string | undefined, dataDir: string): Promise<KeySource> {
  if (envKey) return { key: envKey, origin: "env", generated: false };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, "api-key");
  try {
    const key = (await readFile(file, "utf8")).trim();
    if (key) {
      await chmod(file, 0o600);
      return { key, origin: file, generated: false };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const key = `cs_${randomBytes(32).toString("base64url")}`;
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: "w" });
  await chmod(file, 0o600);
  return { key, origin: file, generated: true };
}
