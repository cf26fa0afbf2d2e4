import { chmodSync, chownSync, lstatSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";

/** Where the agent listens inside the space; the host folder of the space is mounted there. */
export const AGENT_DIR_IN_SPACE = "/run/clawdspace";
export const AGENT_SOCKET_IN_SPACE = `${AGENT_DIR_IN_SPACE}/agent.sock`;
const SOCKET_NAME = "agent.sock";
/** sun_path holds 108 bytes with its NUL. */
const MAX_SOCKET_PATH = 107;
const SPACE_UID = 1001;

/**
 * The per-space host folders (<dataDir>/sockets/<space>/) holding each agent's socket. The folder is
 * the space's to write in; the sockets folder above it is the server's alone (0700), which is what
 * keeps other host users off the sockets.
 */
export class AgentSockets {
  private readonly root: string;

  constructor(dataDir: string, private readonly log: Logger) {
    this.root = join(dataDir, "sockets");
  }

  private dirOf(name: string): string {
    return join(this.root, name);
  }

  /** The host folder to mount for a new space, made and handed to the space's user; undefined if unusable. */
  prepare(name: string): string | undefined {
    const dir = this.dirOf(name);
    if (join(dir, SOCKET_NAME).length > MAX_SOCKET_PATH) {
      this.log.warn({ space: name, dir }, "socket path too long for a unix socket: this space runs without its agent");
      return undefined;
    }
    try {
      mkdirSync(this.root, { recursive: true, mode: 0o700 });
      chmodSync(this.root, 0o700);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { mode: 0o700 });
      try {
        chownSync(dir, SPACE_UID, SPACE_UID);
      } catch {
        // Not root: the space's user cannot own it, so it may write to it; the 0700 root still guards it.
        chmodSync(dir, 0o777);
      }
      return dir;
    } catch (err) {
      this.log.warn({ err, space: name }, "could not make the agent's socket folder: this space runs without its agent");
      return undefined;
    }
  }

  /**
   * The socket to dial, or undefined when this space has no agent folder (made without one).
   * A space can put anything at that name; only a socket is dialled (see docs/SPACE-AGENT.md on the race left).
   */
  socketOf(name: string): { path: string; present: boolean } | undefined {
    const path = join(this.dirOf(name), SOCKET_NAME);
    try {
      return { path, present: lstatSync(path).isSocket() };
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "ENOENT" && this.hasFolder(name) ? { path, present: false } : undefined;
    }
  }

  private hasFolder(name: string): boolean {
    try {
      return lstatSync(this.dirOf(name)).isDirectory();
    } catch {
      return false;
    }
  }

  remove(name: string): void {
    rmSync(this.dirOf(name), { recursive: true, force: true });
  }
}
