import os from "node:os";
import type { Logger } from "pino";
import type { AppDeps } from "./app.js";
import type { Config } from "./config.js";
import { keyAuthenticator, openAuthenticator } from "./http/auth.js";
import type { Engine } from "./engine/engine.js";
import type { Clock } from "./core/clock.js";
import { ActivityTracker } from "./sleep/activity.js";
import { ExecService } from "./exec/execService.js";
import { HostFacts } from "./system/hostFacts.js";
import { CpuMonitor } from "./sleep/cpuMonitor.js";
import { SleepWorker } from "./sleep/worker.js";
import { SpaceEvents } from "./events/spaceEvents.js";
import { SleepChecks } from "./sleep/checks.js";
import { SleepService } from "./sleep/sleepService.js";
import { SpaceCreation } from "./spaces/creation.js";
import { SpaceLifecycle } from "./spaces/lifecycle.js";
import type { Spaces } from "./spaces/spaces.js";
import { SpaceViews } from "./spaces/views.js";
import { HistoryReader } from "./terminal/historyReader.js";
import { DEFAULT_TERMINAL_LIMITS, TerminalService } from "./terminal/terminalService.js";
import { HistoryCursorRepo } from "./terminal/historyCursorRepo.js";
import { SpaceStateStore } from "./sleep/spaceState.js";
import { SystemService } from "./system/systemService.js";
import { SpaceSetup } from "./spaces/setup.js";
import { extraCaMount } from "./spaces/extraCa.js";
import { TemplateService } from "./templates/templateService.js";
import { TemplateRepo } from "./templates/templateRepo.js";
import { NetworkPolicy } from "./network/networkPolicy.js";
import { PolicyGuard } from "./network/policyGuard.js";
import { instrumentEngine } from "./system/instrumentedEngine.js";
import { Metrics } from "./system/metrics.js";
import { FileService } from "./files/fileService.js";
import { ObservabilityService } from "./system/observability.js";
import { LoadService } from "./stats/loadService.js";
import { AuditLog } from "./audit/auditLog.js";
import { AuditPruner } from "./audit/auditPruner.js";
import type { Db } from "./store/db.js";
import { SpaceStateRepo } from "./sleep/spaceStateRepo.js";
import { VERSION } from "./version.js";
import { InternalExec } from "./engine/internalExec.js";
import { composeTasks, type TaskParts } from "./tasks/composeTasks.js";
import type { TaskAgentPort } from "./tasks/ports.js";
import { composeAgents, type AgentParts } from "./agents/composeAgents.js";
import { builtinTemplates } from "./templates/builtin.js";
import { composeSpaceAgent, type SpaceAgentParts } from "./spaceAgent/composeSpaceAgent.js";
import { ProjectService } from "./projects/projectService.js";
import { TunnelService } from "./tunnel/tunnelService.js";

export type ComposeConfig = Pick<
  Config,
  | "image"
  | "defaultMemory"
  | "defaultCpus"
  | "pidsLimit"
  | "extraLabels"
  | "node"
  | "dataDir"
  | "bodyLimitBytes"
  | "execMaxOutputBytes"
  | "authDisabled"
  | "sleep"
  | "files"
  | "audit"
  | "observe"
> &
  Partial<Pick<Config, "extraCa" | "network" | "baseImage" | "tasks" | "agent" | "repoTokenOverHttp" | "eventsMaxStreams" | "spaceAgent">> & { terminal?: Config["terminal"]; webhook?: Config["webhook"] };

/** Terminal settings when a caller (an older test) gives none: the documented defaults. */
export const DEFAULT_TERMINAL: Config["terminal"] = {
  bufferBytes: 1024 ** 2,
  idleMs: 900_000,
  socketHighWaterBytes: 1024 ** 2,
  outputActivityMs: 10_000,
  allowedOrigins: [],
  publicOrigin: undefined,
  limits: DEFAULT_TERMINAL_LIMITS,
  historyPollMs: 5_000,
};

export interface Composed extends AppDeps {
  network: NetworkPolicy | undefined;
  /** Starts policy-network spaces that stopped without us, rules first (absent without the policy). */
  policyGuard: PolicyGuard | undefined;
  worker: SleepWorker;
  pruner: AuditPruner;
  state: SpaceStateStore;
  activity: ActivityTracker;
  events: SpaceEvents;
  history: HistoryReader;
  taskParts: TaskParts;
  agentParts: AgentParts;
  /** Present when exec goes through the space agents (a local engine, SPACE_AGENT not off). */
  spaceAgent?: SpaceAgentParts;
  tunnels: TunnelService;
}

/** The one composition point: wires services around an engine (Docker in production, the in-memory world in tests) and a store. */
export function composeDeps(
  cfg: ComposeConfig,
  engine: Engine,
  logger: Logger,
  apiKey: string | undefined,
  db: Db,
  clock: Clock = Date.now,
  metrics: Metrics = new Metrics(),
  /** Tests hand in a fake supervisor; production reaches the real one through docker exec. */
  taskAgent?: TaskAgentPort,
): Composed {
  if (!cfg.authDisabled && !apiKey) throw new Error("an API key is required unless auth is disabled");
  // Every engine call is timed at this one seam; the adapters themselves know nothing of metrics.
  engine = instrumentEngine(engine, metrics);
  const state = new SpaceStateStore(new SpaceStateRepo(db), clock);
  const activity = new ActivityTracker(state, clock);
  const audit = new AuditLog(db, clock);
  audit.subscribe((e) => metrics.onAudit(e));
  // A window far longer than a tick would average a burst away; but it must outlast a busy tick
  // (many spaces checked 8 at a time, each with a veto probe), or the spaces checked last never get a verdict.
  const cpu = new CpuMonitor(engine.containers, clock, cfg.sleep.cpuThresholdPct, Math.max(10 * cfg.sleep.checkMs, 60_000));
  const node = cfg.node ?? os.hostname();
  const policy = {
    idleTimeoutMs: cfg.sleep.idleTimeoutMs,
    hibernateAfterMs: cfg.sleep.hibernateAfterMs,
    checkValidMs: Math.max(3 * cfg.sleep.checkMs, 3000),
  };
  const host = new HostFacts(engine.system);
  const templates = new TemplateService(new TemplateRepo(db), host, audit, clock, builtinTemplates(cfg.agent?.image));
  // Enforced unless switched off; without it internet and lan spaces share the engine's default bridge.
  const network = cfg.network?.policy
    ? new NetworkPolicy(engine, { ...cfg.network, baseImage: cfg.baseImage, labels: cfg.extraLabels }, logger)
    : undefined;
  const events = new SpaceEvents();
  // Id and type only: the stream tells a dashboard to re-read; the details stay behind the audit route.
  audit.subscribe((e) => events.emitAudit({ id: e.id, type: e.type, ...(e.space ? { space: e.space } : {}), ts: new Date(e.ts ?? clock()).toISOString() }));
  // Exec and files go through each space's agent first (docs/SPACE-AGENT.md), docker exec as the fallback.
  const spaceAgent: SpaceAgentParts | undefined = cfg.spaceAgent?.enabled
    ? composeSpaceAgent(engine, { dataDir: cfg.dataDir, images: [cfg.image, ...(cfg.agent ? [cfg.agent.image] : [])], answerMs: cfg.spaceAgent.answerMs }, events, logger)
    : undefined;
  if (spaceAgent) engine = spaceAgent.engine;
  const lifecycle = new SpaceLifecycle({ containers: engine.containers, volumes: engine.volumes, activity, state, audit, cpu, log: logger, events });
  // The server's own calls into spaces: a fixed PATH, a cap on what comes back, a deadline.
  const internal = new InternalExec(engine.exec);
  const checks = new SleepChecks(internal.with({ maxBytes: 64 * 1024, deadlineMs: 15_000 }), activity, state, cpu, policy);
  const views = new SpaceViews(engine.containers, activity, checks, node);
  const creation = new SpaceCreation(
    { containers: engine.containers, volumes: engine.volumes, activity, state, host, audit, log: logger, templates, setup: new SpaceSetup(internal.with({ maxBytes: 64 * 1024 * 1024, deadlineMs: 15 * 60_000 })), network, lifecycle, views,
      // Called at create time, after agentParts exists below.
      agentCredentials: { set: (space, c) => agentParts.credentials.set(space, c) } },
    { image: cfg.image, defaultMemory: cfg.defaultMemory, defaultCpus: cfg.defaultCpus, pidsLimit: cfg.pidsLimit, node, extraLabels: cfg.extraLabels, extraCa: extraCaMount(cfg.extraCa), repoTokenOverHttp: cfg.repoTokenOverHttp, spaceAgent: spaceAgent?.planner },
  );
  const taskParts = composeTasks(
    { db, engine, lifecycle, activity, audit, events, state, cpu, log: logger, clock, metrics },
    {
      pollMs: cfg.tasks?.pollMs ?? 2000,
      graceMs: cfg.tasks?.graceMs ?? 5000,
      webhook: cfg.webhook?.url ? { url: cfg.webhook.url, secret: cfg.webhook.secret } : undefined,
    },
    taskAgent,
  );
  const agentParts = composeAgents(
    { db, internal, containers: engine.containers, lifecycle, tasks: taskParts, audit, events, log: logger },
    { dataDir: cfg.dataDir, credentialsFile: cfg.agent?.credentialsFile },
  );
  const sleep = new SleepService({ containers: engine.containers, activity, state, audit, cpu, log: logger, lifecycle, checks, tasks: taskParts.service });
  const spaces: Spaces = { views, creation, lifecycle, sleep };
  metrics.gauge(
    "clawdspace_spaces",
    "Spaces on this node by state (running, paused, sleeping, hibernated, stopped)",
    async () => {
      const counts: Record<string, number> = { running: 0, paused: 0, sleeping: 0, hibernated: 0, stopped: 0 };
      for (const s of await views.list()) counts[s.state] = (counts[s.state] ?? 0) + 1;
      return Object.entries(counts).map(([state, value]) => ({ labels: { state }, value }));
    },
    ["state"],
  );
  const worker = new SleepWorker(engine.containers, sleep, checks, lifecycle, state, activity, cpu, audit, { checkMs: cfg.sleep.checkMs, opTimeoutMs: cfg.sleep.opTimeoutMs }, logger);
  const term = cfg.terminal ?? DEFAULT_TERMINAL;
  const history = new HistoryReader(internal.with({ maxBytes: 1024 * 1024, deadlineMs: 10_000 }), audit, new HistoryCursorRepo(db), events, logger, { pollMs: term.historyPollMs, maxReadBytes: 256 * 1024 }, clock);
  const terminals = new TerminalService(engine.exec, lifecycle, activity, audit, history, events, logger, term, clock, agentParts.sessions);
  const files = new FileService(engine.files, lifecycle, activity, audit, { maxUploadBytes: cfg.files.maxUploadBytes, maxTarEntries: cfg.files.maxTarEntries, maxJsonReadBytes: cfg.bodyLimitBytes });
  // Tunnels carry bytes for as long as their client stays: no deadline and no output cap (backpressure bounds them).
  const tunnels = new TunnelService({ exec: internal.with({ maxBytes: Infinity, deadlineMs: 0 }), containers: engine.containers, lifecycle, activity, audit, events, log: logger, clock });
  const system = new SystemService(engine.system, cfg.dataDir, host, node);
  metrics.gauge("clawdspace_data_dir_available_bytes", "Free bytes on the disk of the data folder (store and audit log)", async () => (await system.disk())?.available ?? -1);
  metrics.gauge("clawdspace_terminal_sessions", "Live terminal sessions on this server", () => terminals.counts().sessions);
  metrics.gauge("clawdspace_terminal_viewers", "Sockets attached to terminal sessions", () => terminals.counts().viewers);
  const observability = new ObservabilityService({ ...engine, exec: internal.with({ maxBytes: 4 * 1024 * 1024, deadlineMs: 120_000 }) }, cpu, logger, { duCacheMs: cfg.observe.duCacheMs, topProcesses: 20 }, clock);
  const load = new LoadService(engine.containers, clock, { trendStepMs: 10_000, trendMs: 10 * 60_000, reuseMs: 1000, concurrency: 16 });
  events.on((e) => {
    if (e.state !== "destroyed") return;
    observability.forget(e.space);
    load.forget(e.space);
  });
  const projects = new ProjectService(
    // Short steps get a deadline; the upload lives as long as its client sends; answers stream with backpressure.
    { steps: internal.with({ maxBytes: 1024 * 1024, deadlineMs: 15 * 60_000 }), receive: internal.with({ maxBytes: 1024 * 1024, deadlineMs: 6 * 3_600_000 }), stream: internal.with({ maxBytes: Infinity, deadlineMs: 30 * 60_000 }) },
    lifecycle, activity, audit, files, { maxBytes: cfg.files.maxUploadBytes },
  );
  return {
    logger,
    auth: cfg.authDisabled ? openAuthenticator : keyAuthenticator([{ name: "default", key: apiKey! }]),
    loopbackOnly: cfg.authDisabled,
    spaces,
    execs: new ExecService(engine.exec, engine.containers, lifecycle, activity, logger, audit),
    files,
    projects: { service: projects, maxBytes: cfg.files.maxUploadBytes },
    observability,
    load,
    metrics,
    pruner: new AuditPruner(audit, cfg.audit, logger),
    system,
    templates,
    network,
    policyGuard: network ? new PolicyGuard({ containers: engine.containers, state, lifecycle, network, log: logger, now: clock }) : undefined,
    audit,
    keepaliveMaxMs: cfg.sleep.keepaliveMaxMs,
    eventsMaxStreams: cfg.eventsMaxStreams,
    version: VERSION,
    bodyLimitBytes: cfg.bodyLimitBytes,
    execMaxOutputBytes: cfg.execMaxOutputBytes,
    terminals,
    worker,
    state,
    activity,
    events,
    history,
    taskParts,
    tasks: taskParts,
    agentParts,
    spaceAgent,
    agents: agentParts,
    tunnels,
  };
}
