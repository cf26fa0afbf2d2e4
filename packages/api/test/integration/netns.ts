import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomInt } from "node:crypto";
import { runId } from "./support.js";

/**
 * A network namespace this test makes, joined to the host by a veth pair on a private /30 it assigns
 * (10.213.N.0/30). Listeners started in it are the only private addresses our network tests talk to.
 */
export interface TestNetns {
  name: string;
  /** The host's end of the link. */
  hostIp: string;
  /** The namespace's address, where listeners run. */
  ip: string;
  /** Starts a long-running process inside the namespace. */
  spawn(argv: string[], env?: Record<string, string>): ChildProcess;
  close(): void;
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });

export function makeNetns(tag: string): TestNetns {
  const n = randomInt(100, 250);
  const id = `${runId.slice(0, 6)}${tag.slice(0, 3)}`;
  const name = `cs-${id}`;
  const hostIf = `vh${id}`.slice(0, 15);
  const nsIf = `vn${id}`.slice(0, 15);
  const hostIp = `10.213.${n}.1`;
  const nsIp = `10.213.${n}.2`;
  ip("netns", "add", name);
  ip("link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
  ip("link", "set", nsIf, "netns", name);
  ip("addr", "add", `${hostIp}/30`, "dev", hostIf);
  ip("link", "set", hostIf, "up");
  ip("netns", "exec", name, "ip", "addr", "add", `${nsIp}/30`, "dev", nsIf);
  ip("netns", "exec", name, "ip", "link", "set", nsIf, "up");
  ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
  const children: ChildProcess[] = [];
  return {
    name,
    hostIp,
    ip: nsIp,
    spawn(argv, env = {}) {
      const child = spawn("ip", ["netns", "exec", name, ...argv], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
      children.push(child);
      return child;
    },
    close() {
      for (const c of children) c.kill("SIGKILL");
      try {
        ip("link", "del", hostIf);
      } catch {
        /* already gone with the namespace */
      }
      try {
        ip("netns", "del", name);
      } catch {
        /* already gone */
      }
    },
  };
}

/** Waits until a line matching `re` appears on the child's stdout or stderr. */
export function waitForOutput(child: ChildProcess, re: RegExp, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output so far: ${seen}`)), ms);
    const on = (b: Buffer) => {
      seen += b.toString();
      if (re.test(seen)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout?.on("data", on);
    child.stderr?.on("data", on);
    child.once("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`exited with ${code} before ${re}: ${seen}`));
    });
  });
}
