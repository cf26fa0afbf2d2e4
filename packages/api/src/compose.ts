import os from "node:os";
import type { Logger } from "pino";
import type { AppDeps } from "./app.js";
import type { Config } from "./config.js";
import { keyAuthenticator, openAuthenticator } from "./http/auth.js";
import type { SpaceRuntime } from "./runtime/types.js";
import { ActivityTracker, type Clock } from "./services/activity.js";
import { ExecService } from "./services/execService.js";
import { HostFacts } from "./services/hostFacts.js";
import { SpaceService } from "./services/spaceService.js";
import { SystemService } from "./services/systemService.js";
import { VERSION } from "./version.js";

export type ComposeConfig = Pick<
  Config,
  "image" | "defaultMemory" | "defaultCpus" | "pidsLimit" | "extraLabels" | "node" | "dataDir" | "bodyLimitBytes" | "execMaxOutputBytes" | "authDisabled"
>;

/** The one composition point: wires services around a runtime (Docker in production, the fake in tests). */
export function composeDeps(
  cfg: ComposeConfig,
  runtime: SpaceRuntime,
  logger: Logger,
  apiKey: string | undefined,
  clock: Clock = Date.now,
): AppDeps {
  const activity = new ActivityTracker(clock);
  const host = new HostFacts(runtime);
  const spaces = new SpaceService(
    runtime,
    activity,
    host,
    {
      image: cfg.image,
      defaultMemory: cfg.defaultMemory,
      defaultCpus: cfg.defaultCpus,
      pidsLimit: cfg.pidsLimit,
      node: cfg.node ?? os.hostname(),
      extraLabels: cfg.extraLabels,
    },
    logger,
  );
  if (!cfg.authDisabled && !apiKey) throw new Error("an API key is required unless auth is disabled");
  return {
    logger,
    auth: cfg.authDisabled ? openAuthenticator : keyAuthenticator([{ name: "default", key: apiKey! }]),
    spaces,
    execs: new ExecService(runtime, spaces, activity, logger),
    system: new SystemService(runtime, cfg.dataDir),
    version: VERSION,
    bodyLimitBytes: cfg.bodyLimitBytes,
    execMaxOutputBytes: cfg.execMaxOutputBytes,
  };
}
