import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { spawnServer, type ServerProcess } from "../../../api/test/support/serverProcess.js";

export type { ServerProcess };

// Provided by the API's global setup (../api/test/integration/globalSetup.ts), which this tier reuses.
declare module "vitest" {
  export interface ProvidedContext {
    engine: boolean;
    runId: string;
  }
}

export const engineAvailable = inject("engine");
export const runId = inject("runId");

export const CLI = fileURLToPath(new URL("../../dist/bin/clawdspace.cjs", import.meta.url));

if (!existsSync(CLI)) throw new Error(`the CLI is not built (${CLI} is missing): run npm run build first`);

/** The real server binary on a free loopback port; everything it makes carries this run's label. */
export function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  return spawnServer(runId, { IDLE_TIMEOUT_MS: "0", ...env });
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

/** Runs a program to its end with exactly this environment, collecting its output. */
export function runProcess(cmd: string, args: string[], env: Record<string, string>, input = ""): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** Runs the built `clawdspace` binary as a user would. */
export function cli(e: CliEnv, args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return runProcess(process.execPath, [CLI, ...args], { ...e.env, ...opts.env }, opts.input);
}

/** A space name unique to this run. */
export function spaceName(prefix: string): string {
  return `t${runId}-${prefix}-${randomBytes(2).toString("hex")}`;
}
