import { homedir } from "node:os";
import { join } from "node:path";

/** Where the CLI keeps its SSH key pair and the spaces' host keys: never in the user's own ~/.ssh/known_hosts. */
export function sshStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "clawdspace", "ssh");
}

export function userSshConfig(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.HOME || homedir(), ".ssh", "config");
}

export const hostAlias = (space: string) => `clawdspace-${space}`;

/** known_hosts with the alias's lines replaced by these keys (the space's host key is the same until its volume goes). */
export function upsertKnownHosts(text: string, alias: string, keys: string[]): string {
  const kept = text.split("\n").filter((l) => l.trim() !== "" && l.split(/\s+/)[0] !== alias);
  return [...kept, ...keys.map((k) => `${alias} ${k}`)].join("\n") + "\n";
}

const BEGIN = (space: string) => `# >>> clawdspace ${space} (written by \`clawdspace ssh-config ${space}\`; replaced when it runs again)`;
const END = (space: string) => `# <<< clawdspace ${space}`;

/** The marked block for a space: `Host clawdspace-NAME` and the options ssh needs to reach it through the CLI. */
export function renderBlock(space: string, options: Array<[string, string]>): string {
  return [BEGIN(space), `Host ${hostAlias(space)}`, ...options.map(([k, v]) => `  ${k} ${v}`), END(space)].join("\n") + "\n";
}

/**
 * ~/.ssh/config with the space's block in it: an earlier block of ours is replaced where it stands;
 * a new one goes before the first Host or Match line (ssh takes the first value it reads, so a later
 * `Host *` cannot override ours; global lines at the top stay global), or at the end when there is none.
 */
export function upsertBlock(text: string, space: string, block: string): string {
  const lines = text.length ? text.replace(/\n?$/, "\n").split("\n").slice(0, -1) : [];
  const begin = lines.findIndex((l) => l.trim() === BEGIN(space) || l.startsWith(`# >>> clawdspace ${space} `));
  const end = begin < 0 ? -1 : lines.findIndex((l, i) => i > begin && l.trim() === END(space));
  const blockLines = block.replace(/\n$/, "").split("\n");
  if (begin >= 0 && end > begin) return [...lines.slice(0, begin), ...blockLines, ...lines.slice(end + 1)].join("\n") + "\n";
  // Another space's block starts at its marker, not at its Host line.
  const first = lines.findIndex((l) => /^\s*(Host|Match)\s/i.test(l) || l.startsWith("# >>> clawdspace "));
  if (first < 0) return [...lines, ...(lines.length && lines[lines.length - 1]!.trim() !== "" ? [""] : []), ...blockLines].join("\n") + "\n";
  return [...lines.slice(0, first), ...blockLines, "", ...lines.slice(first)].join("\n") + "\n";
}

/** A word for the shell ssh runs ProxyCommand with, and safe from ssh's own %-expansion. */
export function shellWord(s: string): string {
  const quoted = /^[A-Za-z0-9_./:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
  return quoted.replace(/%/g, "%%");
}

/** A path as an ssh_config value: double-quoted when it must be, and safe from ssh's %-expansion (unless `tokens`). */
export function configPath(s: string, tokens = false): string {
  const v = tokens ? s : s.replace(/%/g, "%%");
  return /^[A-Za-z0-9_./:=@+%-]+$/.test(v) ? v : `"${v}"`;
}
