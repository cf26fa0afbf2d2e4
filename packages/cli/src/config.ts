import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError } from "./errors.js";
import { EXIT } from "./exitCodes.js";

export const DEFAULT_URL = "http://localhost:7777";
const KNOWN = ["CLAWDSPACE_URL", "CLAWDSPACE_KEY"] as const;

/** ~/.clawdspace, the file Clawdspace's bash CLI also reads. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HOME || homedir(), ".clawdspace");
}

/**
 * Reads `KEY="value"` lines without running them through a shell: `export`, comments,
 * single or double quotes and backslash escapes inside double quotes are understood;
 * anything else on a line is taken literally.
 */
export function parseConfigText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

function unquote(v: string): string {
  if (v.startsWith('"')) {
    let s = "";
    for (let i = 1; i < v.length; i++) {
      const c = v[i]!;
      if (c === "\\" && i + 1 < v.length && '"\\$`'.includes(v[i + 1]!)) s += v[++i];
      else if (c === '"') return s;
      else s += c;
    }
    return s;
  }
  if (v.startsWith("'")) {
    const end = v.indexOf("'", 1);
    return end < 0 ? v.slice(1) : v.slice(1, end);
  }
  return v.replace(/\s+#.*$/, "").trim();
}

/** Double-quotes a value so that both our parser and bash's `source` read it back unchanged. */
export function quoteValue(v: string): string {
  return `"${v.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

export interface FileConfig {
  values: Record<string, string>;
  path: string;
  /** set when the file was readable by others and has been tightened to 0600 */
  tightened?: boolean;
}

/** Reads the config file (missing is fine) and tightens its mode to 0600 if it was looser. */
export function readConfigFile(path = configPath()): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { values: {}, path };
    throw new CliError(`cannot read ${path}: ${(e as Error).message}`, "CONFIG_UNREADABLE", EXIT.FAILURE);
  }
  let tightened = false;
  try {
    if ((statSync(path).mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
      tightened = true;
    }
  } catch {
    // not ours to chmod (e.g. a root-owned file read by a user): reading it is still fine
  }
  return { values: parseConfigText(text), path, tightened };
}

/** Sets URL and key, keeping any other lines, written atomically with mode 0600. */
export function writeConfigFile(values: { url: string; key: string }, path = configPath()): void {
  let lines: string[] = [];
  try {
    lines = readFileSync(path, "utf8").split(/\r?\n/);
  } catch {
    lines = ["# clawdspace CLI settings (read by `clawdspace`, never executed)"];
  }
  const wanted: Record<(typeof KNOWN)[number], string> = { CLAWDSPACE_URL: values.url, CLAWDSPACE_KEY: values.key };
  const seen = new Set<string>();
  const kept = lines.flatMap((line) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(line);
    const name = m?.[1] as (typeof KNOWN)[number] | undefined;
    if (name && KNOWN.includes(name)) {
      if (seen.has(name)) return [];
      seen.add(name);
      return [`${name}=${quoteValue(wanted[name])}`];
    }
    return [line];
  });
  while (kept.length && kept[kept.length - 1] === "") kept.pop();
  for (const name of KNOWN) if (!seen.has(name)) kept.push(`${name}=${quoteValue(wanted[name])}`);
  const tmp = `${path}.${process.pid}.tmp`;
  // Created 0600 from the start, so the key is never readable by others, not even for a moment.
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, `${kept.join("\n")}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Said on stderr when readConfigFile tightened the file's mode. */
export const tightenedNotice = (path: string) => `clawdspace: ${path} was readable by other users; its mode is now 0600\n`;

export type Source = "flag" | "env" | "file" | "default" | "none";

export interface Settings {
  url: string;
  key?: string;
  urlSource: Source;
  keySource: Source;
  configPath: string;
  tightened?: boolean;
}

/** Flags beat environment variables, which beat the file. */
export function resolveSettings(flags: { url?: string; key?: string }, env: NodeJS.ProcessEnv = process.env): Settings {
  const file = readConfigFile(configPath(env));
  const pick = (flag: string | undefined, name: string): [string | undefined, Source] => {
    if (flag) return [flag, "flag"];
    if (env[name]) return [env[name], "env"];
    if (file.values[name]) return [file.values[name], "file"];
    return [undefined, "none"];
  };
  const [url, urlSource] = pick(flags.url, "CLAWDSPACE_URL");
  const [key, keySource] = pick(flags.key, "CLAWDSPACE_KEY");
  return {
    url: normalizeUrl(url ?? DEFAULT_URL),
    urlSource: url ? urlSource : "default",
    key,
    keySource,
    configPath: file.path,
    tightened: file.tightened,
  };
}

/** Accepts `host:port` and bare hosts as the bash CLI does, and drops a trailing /api. */
export function normalizeUrl(raw: string): string {
  let url = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) url = `http://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`"${raw}" is not a server URL (expected e.g. http://localhost:7777)`, "USAGE", EXIT.USAGE);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new CliError(`"${raw}" is not an http(s) URL`, "USAGE", EXIT.USAGE);
  }
  if (parsed.username || parsed.password || parsed.search) {
    throw new CliError(`the server URL must not carry credentials or a query (put the key in CLAWDSPACE_KEY)`, "USAGE", EXIT.USAGE);
  }
  return parsed.toString().replace(/\/+$/, "").replace(/\/api$/, "");
}
