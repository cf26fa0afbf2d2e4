import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    engine: boolean;
    runId: string;
  }
}

export const engineAvailable = inject("engine");
export const runId = inject("runId");
const RUN_LABEL = "clawdspace.test-run";
const SERVER = fileURLToPath(new URL("../../../api/dist/bin/server.js", import.meta.url));
const WEB = fileURLToPath(new URL("../../dist/index.html", import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SHOTS = fileURLToPath(new URL("../../test-results/screenshots/", import.meta.url));

for (const [what, path] of [["server", SERVER], ["dashboard", WEB]] as const) {
  if (!existsSync(path)) throw new Error(`the ${what} is not built (${path} is missing): run npm run build first`);
}

/** Debian's chromium, never a downloaded browser; with CI=true a missing one is a failure. */
export const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable && process.env.CI === "true") throw new Error(`${CHROMIUM} is missing: apt-get install chromium (CI=true, so the browser tier cannot be skipped)`);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface ServerProcess {
  url: string;
  key: string;
  child: ChildProcess;
  api<T = unknown>(path: string, init?: { method?: string; json?: unknown }): Promise<T>;
  stop(): Promise<void>;
}

/** The real server binary serving the built dashboard; everything it makes carries this run's label. */
export async function startServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  mkdirSync(SHOTS, { recursive: true });
  const key = `test_${randomBytes(16).toString("hex")}`;
  const child = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/root",
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      API_KEY: key,
      HOST: "127.0.0.1",
      PORT: "0",
      CLAWDSPACE_DATA_DIR: await mkdtemp(join(tmpdir(), "cs-web-server-")),
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
    api: async (path, init = {}) => {
      const res = await fetch(url + path, {
        method: init.method ?? "GET",
        headers: { authorization: `Bearer ${key}`, ...(init.json === undefined ? {} : { "content-type": "application/json" }) },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      });
      if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as never;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export function spaceName(prefix: string): string {
  return `t${runId}-${prefix}-${randomBytes(2).toString("hex")}`;
}
