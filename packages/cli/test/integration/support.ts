import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";

// Provided by the API's global setup (../api/test/integration/globalSetup.ts), which this tier reuses.
declare module "vitest" {
  export interface ProvidedContext {
    engine: boolean;
    runId: string;
  }
}

export const engineAvailable = inject("engine");
export const runId = inject("runId");
const RUN_LABEL = "clawdspace.test-run";

export const CLI = fileURLToPath(new URL("../../dist/bin/clawdspace.js", import.meta.url));
const SERVER = fileURLToPath(new URL("../../../api/dist/bin/server.js", import.meta.url));

for (const [what, path] of [["CLI", CLI], ["server", SERVER]] as const) {
  if (!existsSync(path)) throw new Error(`the ${what} is not built (${path} is missing): run npm run build first`);
}

export interface ServerProcess {
  url: string;
  key: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The real server binary on a free loopback port; everything it makes carries this run's label. */
export async function startServer(): Promise<ServerProcess> {
  const key = `test_${randomBytes(16).toString("hex")}`;
  const child = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      API_KEY: key,
      HOST: "127.0.0.1",
      PORT: "0",
      CLAWDSPACE_DATA_DIR: await mkdtemp(join(tmpdir(), "cs-cli-server-")),
      CLAWDSPACE_LABELS: `${RUN_LABEL}=${runId}`,
      CLAWDSPACE_BUILD_IMAGE: "false",
      IDLE_TIMEOUT_MS: "0",
      DEFAULT_MEMORY: "256m",
      LOG_LEVEL: "info",
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
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliEnv {
  home: string;
  env: Record<string, string>;
}

/** A home folder of its own (for ~/.clawdspace), and no CLAWDSPACE_* leaking in from the developer's shell. */
export async function cliEnv(extra: Record<string, string> = {}): Promise<CliEnv> {
  const home = await mkdtemp(join(tmpdir(), "cs-cli-home-"));
  return { home, env: { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1", ...extra } };
}

/** Runs the built `clawdspace` binary as a user would. */
export function cli(e: CliEnv, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...e.env, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}

/** A space name unique to this run. */
export function spaceName(prefix: string): string {
  return `t${runId}-${prefix}-${randomBytes(2).toString("hex")}`;
}
