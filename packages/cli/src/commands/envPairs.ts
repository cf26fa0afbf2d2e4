import { usageError } from "../errors.js";

/** `-e NAME=value` flags into an env object; the name is checked here, the value is anything. */
export function parseEnvPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf("=");
    const name = i > 0 ? pair.slice(0, i) : "";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw usageError(`--env "${i > 0 ? name : pair}" is not NAME=value`);
    env[name] = pair.slice(i + 1);
  }
  return env;
}
