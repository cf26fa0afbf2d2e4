import express, { type Express } from "express";
import type { Logger } from "pino";
import { requireAuth, type Authenticator } from "./http/auth.js";
import { errorMiddleware, notFoundHandler } from "./http/errorMiddleware.js";
import { httpLogger } from "./http/logger.js";
import { auditRoutes } from "./routes/audit.js";
import { execRoutes } from "./routes/exec.js";
import { healthRoutes } from "./routes/health.js";
import { sleepRoutes } from "./routes/sleep.js";
import { spaceRoutes } from "./routes/spaces.js";
import { systemRoutes } from "./routes/system.js";
import { templateRoutes } from "./routes/templates.js";
import { terminalRoutes } from "./routes/terminal.js";
import type { ExecService } from "./services/execService.js";
import type { Spaces } from "./spaces/spaces.js";
import type { SystemService } from "./services/systemService.js";
import type { TemplateService } from "./services/templates/templateService.js";
import type { TerminalService } from "./services/terminal/terminalService.js";
import type { AuditLog } from "./store/auditLog.js";
import type { Metrics } from "./metrics/metrics.js";
import { httpMetrics } from "./metrics/httpMetrics.js";
import type { FileService } from "./services/files/fileService.js";
import type { ObservabilityService } from "./services/observability.js";
import { fileRoutes } from "./routes/files.js";
import { metricsRoutes } from "./routes/metrics.js";
import { observabilityRoutes } from "./routes/observability.js";
import { openapiRoutes } from "./routes/openapi.js";
import { eventRoutes } from "./routes/events.js";
import { staticWeb } from "./http/staticWeb.js";
import type { SpaceEvents } from "./services/spaceEvents.js";

export interface AppDeps {
  logger: Logger;
  auth: Authenticator;
  spaces: Spaces;
  execs: ExecService;
  system: SystemService;
  templates: TemplateService;
  audit: AuditLog;
  terminals: TerminalService;
  files: FileService;
  observability: ObservabilityService;
  metrics: Metrics;
  keepaliveMaxMs: number;
  version: string;
  bodyLimitBytes: number;
  execMaxOutputBytes: number;
  /** State changes for GET /api/events; without it the route is absent. */
  events?: SpaceEvents;
  /** The built dashboard; absent or missing on disk means the API alone. */
  webDir?: string;
  eventsKeepAliveMs?: number;
}

/** Builds the HTTP app from its dependencies; no side effects, so tests compose it with a fake runtime. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(httpLogger(deps.logger));
  app.use(httpMetrics(deps.metrics));
  app.use(metricsRoutes(deps.metrics, deps.auth));

  const api = express.Router();
  api.use(healthRoutes(deps.version));
  api.use(requireAuth(deps.auth));
  api.use(systemRoutes(deps.system));
  api.use(spaceRoutes(deps.spaces, deps.bodyLimitBytes));
  api.use(execRoutes(deps.execs, { bodyLimit: deps.bodyLimitBytes, maxOutputBytes: deps.execMaxOutputBytes }));
  api.use(sleepRoutes(deps.spaces.sleep, { bodyLimit: deps.bodyLimitBytes, keepaliveMaxMs: deps.keepaliveMaxMs }));
  api.use(terminalRoutes(deps.spaces.views, deps.terminals));
  api.use(templateRoutes(deps.templates, deps.bodyLimitBytes));
  api.use(fileRoutes(deps.files, deps.bodyLimitBytes));
  api.use(observabilityRoutes(deps.observability));
  api.use(auditRoutes(deps.audit));
  if (deps.events) api.use(eventRoutes(deps.events, deps.eventsKeepAliveMs ?? 15_000));
  api.use(openapiRoutes(deps.version));
  api.use(notFoundHandler);

  app.use("/api", api);
  const web = staticWeb(deps.webDir);
  if (web) app.use(web);
  app.use(notFoundHandler);
  app.use(errorMiddleware);
  return app;
}
