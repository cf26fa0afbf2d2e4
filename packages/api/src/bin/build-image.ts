#!/usr/bin/env node
import { ConfigError, loadConfig } from "../config.js";
import { createLogger } from "../http/logger.js";
import { createDockerEngine } from "../engine/docker/createDockerEngine.js";
import { ensureAgentImage, ensureSpaceImage } from "../images/imageBuilder.js";

try {
  const cfg = loadConfig();
  const logger = createLogger(cfg.logLevel);
  const engine = createDockerEngine(cfg.docker);
  await engine.system.ping();
  const force = !process.argv.includes("--if-missing");
  const result = await ensureSpaceImage(engine.images, { image: cfg.image, baseImage: cfg.baseImage, extraCa: cfg.extraCa, force }, logger);
  logger.info({ image: cfg.image, result }, `space image ${cfg.image} is ready`);
  // On a fresh space image the agent image is stale too: it is built on top of it.
  const agent = await ensureAgentImage(
    engine.images,
    { image: cfg.agent.image, spaceImage: cfg.image, claudeCodeVersion: cfg.agent.claudeCodeVersion, force: force || result === "built" },
    logger,
  );
  logger.info({ image: cfg.agent.image, result: agent }, `agent image ${cfg.agent.image} is ready`);
} catch (e) {
  process.stderr.write(`clawdspace image: ${e instanceof ConfigError ? e.message : (e as Error).message}\n`);
  process.exit(1);
}
