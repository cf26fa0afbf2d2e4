import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import { ClawdspaceClient } from "@clawdspace/shared";
import Docker from "dockerode";
import { pino } from "pino";
import { inject } from "vitest";
import { createApp } from "../../src/app.js";
import { composeDeps } from "../../src/compose.js";
import { loadConfig } from "../../src/config.js";
import { attachTerminal } from "../../src/http/terminalUpgrade.js";
import { createLogger } from "../../src/http/logger.js";
import { CallCounter } from "../../src/engine/callCounter.js";
import { createDockerEngine } from "../../src/engine/docker/createDockerEngine.js";
import type { Engine } from "../../src/engine/engine.js";
import { openDb } from "../../src/store/db.js";
import { RUN_LABEL, testNetworkPrefix } from "./globalSetup.js";

export const engineAvailable = inject("engine");
export const runId = inject("runId");

export interface TestServer {
  url: string;
  key: string;
  client: ClawdspaceClient;
  engine: Engine;
  /** Engine calls made by this server so far, by operation. */
  calls: CallCounter;
  deps: ReturnType<typeof composeDeps>;
  docker: Docker;
  close(): Promise<void>;
  /** fetch with the key, for raw status and header checks */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** The real app on the real engine, on an ephemeral loopback port; everything it makes carries this run's label. */
export async function startTestServer(env: Record<string, string> = {}, opts: { logStream?: NodeJS.WritableStream } = {}): Promise<TestServer> {
  const key = `test_${randomBytes(16).toString("hex")}`;
  const cfg = loadConfig({
    ...process.env,
    CLAWDSPACE_DATA_DIR: "/tmp/clawdspace-test",
    DEFAULT_MEMORY: "512m",
    // this run's own networks and firewall chains, removed by the global teardown
    CLAWDSPACE_NETWORK_PREFIX: testNetworkPrefix(runId),
    ...env,
  });
  cfg.extraLabels = { ...cfg.extraLabels, [RUN_LABEL]: runId };
  const calls = new CallCounter();
  const engine = createDockerEngine(cfg.docker, { scope: [`${RUN_LABEL}=${runId}`], onCall: calls.record });
  const db = openDb(env.CLAWDSPACE_DATA_DIR ?? ":memory:");
  // A captured log goes through the production logger (its redaction and masking are under test).
  const logger = opts.logStream ? createLogger("debug", opts.logStream) : pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const deps = composeDeps(cfg, engine, logger, key, db);
  if (cfg.sleep.idleTimeoutMs > 0 && env.IDLE_TIMEOUT_MS) deps.worker.start();
  const app = createApp(deps);
  const server: Server = createServer(app);
  const wss = attachTerminal(server, deps);
  if (env.HISTORY_POLL_MS) deps.history.start();
  deps.taskParts.watcher.start();
  deps.policyGuard?.start(cfg.network.watchMs);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    key,
    engine,
    calls,
    docker: new Docker(cfg.docker),
    client: new ClawdspaceClient({ baseUrl: url, key }),
    fetch: (path, init = {}) =>
      fetch(url + path, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string>) } }),
    deps,
    close: async () => {
      deps.policyGuard?.stop();
      await deps.worker.stop();
      await deps.terminals.close();
      wss.close();
      await deps.history.stop();
      await deps.taskParts.watcher.stop();
      deps.taskParts.webhook?.stop();
      deps.pruner.stop();
      await new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
      deps.state.flush();
      db.close();
    },
  };
}

/** A space name unique to this run, so parallel files and reruns never collide. */
export function spaceName(prefix: string): string {
  return `t${runId}-${prefix}-${randomBytes(2).toString("hex")}`;
}
