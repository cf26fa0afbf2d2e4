#!/usr/bin/env node
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../http/logger.js";
import { startServer } from "../server.js";

let cfg;
try {
  cfg = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`clawdspace: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
const logger = createLogger(cfg.logLevel);
try {
  const running = await startServer(cfg, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    // Never hang on shutdown: past the grace period (plus time to flush) exit anyway.
    setTimeout(() => {
      logger.error("shutdown did not finish in time; exiting");
      process.exit(1);
    }, cfg.shutdownGraceMs + 5000).unref();
    logger.info({ signal }, "shutting down: finishing requests in flight; spaces are left as they are");
    void running.close().then(() => {
      logger.info("stopped");
      logger.flush?.();
      process.exit(0);
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "EADDRINUSE") logger.fatal(`port ${cfg.port} on ${cfg.host} is already in use (set PORT)`);
  else if (e.code === "EACCES") logger.fatal({ err }, "permission denied (data dir or port)");
  else logger.fatal({ err }, "failed to start");
  process.exit(1);
}
