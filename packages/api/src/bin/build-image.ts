#!/usr/bin/env node
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../http/logger.js";
import { DockerSpaceRuntime } from "../runtime/docker/dockerRuntime.js";
import { ensureSpaceImage } from "../services/imageBuilder.js";

try {
  const cfg = loadConfig();
  const logger = createLogger(cfg.logLevel);
  const runtime = new DockerSpaceRuntime(cfg.docker);
  await runtime.ping();
  const force = !process.argv.includes("--if-missing");
  const result = await ensureSpaceImage(runtime, { image: cfg.image, baseImage: cfg.baseImage, extraCa: cfg.extraCa, force }, logger);
  logger.info({ image: cfg.image, result }, `space image ${cfg.image} is ready`);
} catch (e) {
  process.stderr.write(`clawdspace image: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
  process.exit(1);
}
