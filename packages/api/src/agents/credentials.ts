import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AgentCredentialsSchema, type AgentCredentials } from "@clawdspace/shared";
import type { Logger } from "pino";

/** The names an operator's credentials file may set, and what each becomes in the agent's process. */
const FILE_KEYS = { ANTHROPIC_API_KEY: "apiKey", CLAUDE_CODE_OAUTH_TOKEN: "oauthToken", ANTHROPIC_BASE_URL: "baseUrl" } as const;

export class CredentialsFileError extends Error {}

/**
 * A create's env may carry the agent's credentials under their usual names: they are taken out
 * (the container's environment would show them to every shell) and kept as the space's own.
 */
export function splitAgentEnv(env: Record<string, string>): { env: Record<string, string>; credentials: Record<string, string>; names: string[] } {
  const rest: Record<string, string> = {};
  const credentials: Record<string, string> = {};
  const names: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    const field = FILE_KEYS[k as keyof typeof FILE_KEYS];
    if (field) (credentials[field] = v), names.push(k);
    else rest[k] = v;
  }
  return { env: rest, credentials, names };
}

/** Parses `NAME=value` lines (# comments, optional quotes); any other name is a mistake worth stopping for. */
export function parseCredentialsFile(text: string, file: string): AgentCredentials {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new CredentialsFileError(`${file} line ${i + 1}: expected NAME=value`);
    const key = FILE_KEYS[m[1] as keyof typeof FILE_KEYS];
    if (!key) throw new CredentialsFileError(`${file} line ${i + 1}: ${m[1]} is not one of ${Object.keys(FILE_KEYS).join(", ")}`);
    out[key] = m[2]!.replace(/^(["'])(.*)\1$/, "$2");
  });
  const parsed = AgentCredentialsSchema.safeParse(out);
  // The message names the field, never its value.
  if (!parsed.success) throw new CredentialsFileError(`${file}: ${parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ")}`);
  return parsed.data;
}

export function readCredentialsFile(file: string): AgentCredentials {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new CredentialsFileError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseCredentialsFile(text, file);
}

/**
 * Where the agent's credentials come from: a space's own (given at create, kept in a 0600 file
 * of the data directory, never in SQLite) over the operator's file, read again at each use so a
 * rotated key needs no restart. They become environment of the agent's process and nothing else.
 */
export class AgentCredentialStore {
  private readonly dir: string;
  private lastGood: AgentCredentials = {};

  constructor(
    dataDir: string,
    private readonly operatorFile: string | undefined,
    private readonly log: Logger,
  ) {
    this.dir = join(dataDir, "agent-credentials");
    if (operatorFile) this.lastGood = readCredentialsFile(operatorFile);
  }

  private fileOf(space: string) {
    return join(this.dir, `${space}.json`);
  }

  set(space: string, creds: AgentCredentials): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const tmp = `${this.fileOf(space)}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(creds), { mode: 0o600 });
    renameSync(tmp, this.fileOf(space));
  }

  remove(space: string): void {
    rmSync(this.fileOf(space), { force: true });
  }

  private own(space: string): AgentCredentials {
    try {
      const parsed = AgentCredentialsSchema.safeParse(JSON.parse(readFileSync(this.fileOf(space), "utf8")));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  private operator(): AgentCredentials {
    if (!this.operatorFile) return {};
    try {
      this.lastGood = readCredentialsFile(this.operatorFile);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "agent credentials file unreadable; using what it said last");
    }
    return this.lastGood;
  }

  /** A space's credentials layered field by field over the operator's. */
  resolve(space: string): AgentCredentials {
    return { ...this.operator(), ...this.own(space) };
  }

  /**
   * The environment the agent needs. The API key goes under our own name, handed to Claude Code
   * by its apiKeyHelper (the image's wrapper), so an interactive session never stops to ask
   * whether to trust a key from the environment.
   */
  envFor(space: string): Record<string, string> {
    const c = this.resolve(space);
    const env: Record<string, string> = {};
    if (c.apiKey) env.CLAWDSPACE_ANTHROPIC_API_KEY = c.apiKey;
    if (c.oauthToken) env.CLAUDE_CODE_OAUTH_TOKEN = c.oauthToken;
    if (c.baseUrl) env.ANTHROPIC_BASE_URL = c.baseUrl;
    return env;
  }

  /** The values an answer must never carry (an agent that runs `env` prints them). */
  secretValues(space: string): string[] {
    const c = this.resolve(space);
    return [c.apiKey, c.oauthToken].filter((v): v is string => Boolean(v && v.length >= 8));
  }
}
