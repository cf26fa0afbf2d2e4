import { execFileSync, spawn } from "node:child_process";
import { openSync } from "node:fs";
import type Docker from "dockerode";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`engine restart: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Whether this machine lets a test stop and start its engine (root, and a dockerd we can find). */
export function canRestartEngine(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    return execFileSync("pgrep", ["-x", "dockerd"], { encoding: "utf8" }).trim().length > 0;
  } catch {
    return false;
  }
}

/** Stops dockerd with TERM (as `systemctl stop docker` would); resolves once it has exited. */
export async function stopEngine(): Promise<void> {
  const pid = Number(execFileSync("pgrep", ["-x", "dockerd"], { encoding: "utf8" }).trim().split("\n")[0]);
  process.kill(pid, "SIGTERM");
  await until("dockerd to exit", () => !alive(pid), 90_000);
}

/** Starts dockerd the way .ci/setup-engine.sh does; resolves once the engine answers. */
export async function startEngine(docker: Docker): Promise<void> {
  const log = openSync(process.env.DOCKERD_LOG ?? "/var/log/clawdspace-dockerd.log", "a");
  const child = spawn("dockerd", [], { detached: true, stdio: ["ignore", log, log] });
  child.unref();
  await until("the engine to answer", () => docker.ping().then(() => true, () => false), 90_000);
}

/** An engine restart, as `systemctl restart docker` does it. */
export async function restartEngine(docker: Docker): Promise<void> {
  await stopEngine();
  await startEngine(docker);
}
