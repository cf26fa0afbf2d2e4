import express, { type Express, type Router } from "express";
import type { Logger } from "pino";
import { requireAuth, type Authenticator } from "./http/auth.js";
import { errorMiddleware, notFoundHandler } from "./http/errorMiddleware.js";
import { httpLogger } from "./http/logger.js";
import { auditRoutes } from "./audit/routes.js";
import { execRoutes } from "./exec/routes.js";
import { healthRoutes } from "./system/healthRoutes.js";
import { sleepRoutes } from "./sleep/routes.js";
import { spaceRoutes } from "./spaces/routes.js";
import { systemRoutes } from "./system/systemRoutes.js";
import { templateRoutes } from "./templates/routes.js";
import { terminalRoutes } from "./terminal/routes.js";
import type { ExecService } from "./exec/execService.js";
import type { Spaces } from "./spaces/spaces.js";
import type { SystemService } from "./system/systemService.js";
import type { TemplateService } from "./templates/templateService.js";
import type { TerminalService } from "./terminal/terminalService.js";
import type { AuditLog } from "./audit/auditLog.js";
import type { Metrics } from "./system/metrics.js";
import { httpMetrics } from "./system/httpMetrics.js";
import { standaloneRoutes } from "./nodes/standalone.js";
import type { FileService } from "./files/fileService.js";
import type { ObservabilityService } from "./system/observability.js";
import { fileRoutes } from "./files/routes.js";
import { metricsRoutes } from "./system/metricsRoutes.js";
import { observabilityRoutes } from "./system/observabilityRoutes.js";
import { openapiRoutes } from "./system/openapiRoutes.js";
import { statsRoutes } from "./stats/routes.js";
import type { LoadService } from "./stats/loadService.js";
import { eventRoutes } from "./events/routes.js";
import { staticWeb } from "./http/staticWeb.js";
import type { SpaceEvents } from "./events/spaceEvents.js";
import { taskRoutes } from "./tasks/routes.js";
import { agentRoutes } from "./agents/routes.js";
import type { AgentRuns } from "./agents/agentRuns.js";
import type { AgentTranscripts } from "./agents/agentTranscripts.js";
import { loopbackHostOnly, securityHeaders } from "./http/securityHeaders.js";
import type { TaskService } from "./tasks/taskService.js";
import type { TaskLogs } from "./tasks/taskLogs.js";
import { projectRoutes } from "./projects/routes.js";
import type { ProjectService } from "./projects/projectService.js";
import { tunnelRoutes } from "./tunnel/routes.js";
import type { TunnelService } from "./tunnel/tunnelService.js";

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
  /** GET /api/stats: every space's load in one read. */
  load: LoadService;
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
  eventsMaxStreams?: number;
  /** Auth is off: serve loopback Host names only (DNS rebinding). */
  loopbackOnly?: boolean;
  /** Background tasks; without them the task routes are absent. */
  tasks?: { service: TaskService; logs: TaskLogs };
  /** Claude Code runs; without them the agent routes are absent. */
  agents?: { runs: AgentRuns; transcripts: AgentTranscripts };
  /** Several nodes as one (nodes/): the fan-out and the relay to owners, in front of the local routes. */
  cluster?: Router;
  /** A repository or folder in, the work out; without it the project routes are absent. */
  projects?: { service: ProjectService; maxBytes: number };
  /** SSH and port tunnels; without them the routes are absent. */
  tunnels?: TunnelService;
}

/** Builds the HTTP app from its dependencies; no side effects, so tests compose it with the in-memory engine. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use(securityHeaders);
  if (deps.loopbackOnly) app.use(loopbackHostOnly);
  app.use(httpLogger(deps.logger));
  app.use(httpMetrics(deps.metrics));
  app.use(metricsRoutes(deps.metrics, deps.auth));

  const api = express.Router();
  api.use(healthRoutes(deps.version));
  api.use(requireAuth(deps.auth));
  api.use(deps.cluster ?? standaloneRoutes());
  api.use(systemRoutes(deps.system));
  api.use(spaceRoutes(deps.spaces, deps.bodyLimitBytes));
  api.use(execRoutes(deps.execs, { bodyLimit: deps.bodyLimitBytes, maxOutputBytes: deps.execMaxOutputBytes }));
  api.use(sleepRoutes(deps.spaces.sleep, { bodyLimit: deps.bodyLimitBytes, keepaliveMaxMs: deps.keepaliveMaxMs }));
  api.use(terminalRoutes(deps.spaces.views, deps.terminals));
  api.use(templateRoutes(deps.templates, deps.bodyLimitBytes));
  api.use(fileRoutes(deps.files, deps.bodyLimitBytes));
  if (deps.tasks) api.use(taskRoutes(deps.tasks.service, deps.tasks.logs, deps.bodyLimitBytes));
  if (deps.agents) api.use(agentRoutes(deps.agents.runs, deps.agents.transcripts, deps.bodyLimitBytes));
  if (deps.projects) api.use(projectRoutes(deps.projects.service, deps.projects.maxBytes));
  if (deps.tunnels) api.use(tunnelRoutes(deps.spaces.views, deps.tunnels, deps.bodyLimitBytes));
  api.use(observabilityRoutes(deps.observability));
  api.use(statsRoutes(deps.load));
  api.use(auditRoutes(deps.audit));
  if (deps.events) api.use(eventRoutes(deps.events, deps.eventsKeepAliveMs ?? 15_000, deps.eventsMaxStreams));
  api.use(openapiRoutes(deps.version));
  api.use(notFoundHandler);

  app.use("/api", api);
  const web = staticWeb(deps.webDir);
  if (web) app.use(web);
  app.use(notFoundHandler);
  app.use(errorMiddleware);
  return app;
}
