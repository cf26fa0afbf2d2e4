import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built server binary; the CLI and dashboard tiers run it as users do. */
export const SERVER_BIN = fileURLToPath(new URL("../../dist/bin/server.js", import.meta.url));
const RUN_LABEL = "clawdspace.test-run";

export interface ServerProcess {
  url: string;
  key: string;
  child: ChildProcess;
  /** Everything the server printed so far (its log). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real server binary on a free loopback port with a fresh key and data folder;
 * everything it makes carries the run's label, so the global setup's sweep finds leftovers.
 */
export async function spawnServer(runId: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  if (!existsSync(SERVER_BIN)) throw new Error(`the server is not built (${SERVER_BIN} is missing): run npm run build first`);
  const key = `test_${randomBytes(16).toString("hex")}`;
  const child = spawn(process.execPath, [SERVER_BIN], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      API_KEY: key,
      HOST: "127.0.0.1",
      PORT: "0",
      CLAWDSPACE_DATA_DIR: await mkdtemp(join(tmpdir(), "cs-server-")),
      CLAWDSPACE_LABELS: `${RUN_LABEL}=${runId}`,
      CLAWDSPACE_BUILD_IMAGE: "false",
      DEFAULT_MEMORY: "256m",
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 30_000);
    const onData = (b: Buffer) => {
      log += b.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited (${code}):\n${log}`)));
  });
  return {
    url,
    key,
    child,
    output: () => log,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
