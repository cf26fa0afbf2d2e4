import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/**
 * The output offset this machine last saw for each terminal session, so a reattach asks the
 * server only for what it missed. A small JSON file under XDG_STATE_HOME; losing it costs a
 * full replay of the server's buffer, nothing more.
 */
export class SessionOffsets {
  constructor(readonly path: string = defaultPath()) {}

  private load(): Record<string, { offset: number; at: number }> {
    try {
      return JSON.parse(readFileSync(this.path, "utf8")) as Record<string, { offset: number; at: number }>;
    } catch {
      return {};
    }
  }

  get(server: string, space: string, session: string): number | undefined {
    return this.load()[key(server, space, session)]?.offset;
  }

  set(server: string, space: string, session: string, offset: number, now = Date.now()): void {
    const all = this.load();
    all[key(server, space, session)] = { offset, at: now };
    // Sessions end on the server after a while; a week-old cursor is of no use.
    for (const [k, v] of Object.entries(all)) if (now - v.at > 7 * 86_400_000) delete all[k];
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}

const key = (server: string, space: string, session: string) => `${server}|${space}|${session}`;

function defaultPath(env = process.env): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state");
  return join(base, "clawdspace", "terminal-sessions.json");
}
