import { createServer, type Server } from "node:http";
import type { Logger } from "pino";
import { createApp } from "./app.js";
import { resolveApiKey } from "./http/apiKey.js";
import { composeDeps } from "./compose.js";
import type { Config } from "./config.js";
import { createDockerEngine } from "./engine/docker/createDockerEngine.js";
import { ensureAgentImage, ensureHelperImage, ensureSpaceImage } from "./images/imageBuilder.js";
import { openDb } from "./store/db.js";
import { attachTerminal } from "./http/terminalUpgrade.js";
import { composeNodes } from "./nodes/composeNodes.js";
import { TUNNEL_PATH, attachTunnel } from "./tunnel/upgrade.js";

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** The address as bound: 0.0.0.0 is every interface, and the log says so rather than "localhost". */
function displayHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** Starts the API on a real engine: key, engine check, image, listen. */
export async function startServer(cfg: Config, logger: Logger): Promise<RunningServer> {
  const key = cfg.authDisabled ? undefined : await resolveApiKey(cfg.apiKey, cfg.dataDir);
  const engine = createDockerEngine(cfg.docker);

  let engineUp = true;
  try {
    await engine.system.ping();
  } catch {
    engineUp = false;
    logger.error({ docker: cfg.docker }, "Docker engine is not reachable: space routes answer 503 until it is (check DOCKER_HOST and the socket's permissions)");
  }
  if (engineUp && cfg.buildImageOnStart) {
    try {
      await ensureSpaceImage(engine.images, { image: cfg.image, baseImage: cfg.baseImage, extraCa: cfg.extraCa }, logger);
    } catch (err) {
      logger.error({ err }, `could not build ${cfg.image}; creating spaces with it will fail until it exists (npm run image)`);
    }
  }

  const db = openDb(cfg.dataDir);
  const composed = composeDeps(cfg, engine, logger, key?.key, db);
  const cluster = await composeNodes(cfg, composed.system.nodeName, composed, logger);
  const deps = cluster ? { ...composed, auth: cluster.auth } : composed;
  const app = createApp({ ...deps, webDir: cfg.webDir, cluster: cluster?.router });
  const server = createServer(app);
  server.requestTimeout = 0; // long uploads are legitimate: a body may take minutes
  server.headersTimeout = 30_000; // but the headers come at once, or the socket goes
  const wss = attachTerminal(server, { ...deps, otherPaths: [TUNNEL_PATH], forward: cluster?.upgrade });
  const tunnelWss = attachTunnel(server, { ...deps, origins: cfg.terminal, forward: cluster?.upgrade });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(cfg.port, cfg.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : cfg.port;
  const url = `http://${displayHost(cfg.host)}:${port}`;
  if (cfg.authDisabled) logger.warn("authentication is DISABLED (CLAWDSPACE_AUTH_DISABLED); loopback only");
  else if (key?.origin === "env") logger.info("API key taken from API_KEY");
  else logger.info({ keyFile: key?.origin }, `${key?.generated ? "generated an API key" : "API key"} in ${key?.origin} (read it with: cat ${key?.origin})`);
  logger.info({ url }, `Clawdspace API listening on ${url}`);
  if (!/^(127\.|::1$|localhost$)/.test(cfg.host)) {
    logger.warn({ host: cfg.host }, `listening beyond loopback (${cfg.host}) over plain HTTP: put TLS in front (docs/SETUP.md) or set HOST=127.0.0.1`);
  }
  if (engineUp && deps.network && cfg.buildImageOnStart) {
    // Built now rather than on the first create that needs a network (a minute of apt on a fresh host).
    await ensureHelperImage(engine.images, { image: cfg.network.helperImage, baseImage: cfg.baseImage }, logger).catch((err) =>
      logger.error({ err }, `could not build ${cfg.network.helperImage}; creates with network internet or lan will fail until it exists`),
    );
  }
  if (engineUp && cfg.buildImageOnStart) {
    // In the background: Claude Code comes from npm, and nothing but the agent template waits for it.
    void ensureAgentImage(engine.images, { image: cfg.agent.image, spaceImage: cfg.image, claudeCodeVersion: cfg.agent.claudeCodeVersion }, logger).catch((err) =>
      logger.error({ err }, `could not build ${cfg.agent.image}; spaces from the agent template cannot be made until it exists (npm run image)`),
    );
  }
  deps.network?.setApiPort(port);
  if (engineUp && deps.network) {
    // Rules vanish with a host reboot while networks and their spaces come back: re-apply before anyone relies on them.
    const applied = await deps.network.reapply().then(
      () => true,
      (err) => (logger.error({ err }, "could not re-apply the network policy; spaces on its networks stay down until it applies"), false),
    );
    // The engine leaves policy-network spaces down after a reboot; with the rules in place they may run.
    if (applied) await deps.policyGuard?.sweep({ rulesFresh: true }).catch((err) => logger.error({ err }, "could not start the spaces the engine left down"));
  }
  // Also when the engine is down now: the spaces it left down are started once it answers, rules first.
  deps.policyGuard?.start(cfg.network.watchMs);
  // A firewall reload under a running server loses the rules too: apply them again on a timer.
  const network = engineUp ? deps.network : undefined;
  const reapplyTimer =
    network && cfg.network.reapplyMs > 0
      ? setInterval(() => void network.reapply().catch((err) => logger.error({ err }, "could not re-apply the network policy")), cfg.network.reapplyMs).unref()
      : undefined;
  deps.pruner.start();
  if (cfg.sleep.idleTimeoutMs > 0) {
    deps.worker.start();
    logger.info({ idleTimeoutMs: cfg.sleep.idleTimeoutMs, hibernateAfterMs: cfg.sleep.hibernateAfterMs, checkMs: cfg.sleep.checkMs }, "sleep worker started");
  }

  deps.history.start();
  cluster?.start();
  deps.taskParts.watcher.start();
  const close = async () => {
    if (reapplyTimer) clearInterval(reapplyTimer);
    await cluster?.close();
    deps.policyGuard?.stop();
    await deps.worker.stop();
    await deps.terminals.close();
    wss.close();
    tunnelWss.close();
    deps.tunnels.close();
    await deps.history.stop();
    await deps.taskParts.watcher.stop();
    deps.taskParts.webhook?.stop();
    deps.pruner.stop();
    deps.events.close();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), cfg.shutdownGraceMs);
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    });
    // Activity marks are coalesced in memory; write them out so a restart forgets nothing.
    deps.state.flush();
    db.close();
  };
  return { server, url, close };
}
