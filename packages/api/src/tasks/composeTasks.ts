import type { Logger } from "pino";
import type { AuditLog } from "../audit/auditLog.js";
import type { Clock } from "../core/clock.js";
import type { Engine } from "../engine/engine.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import type { Metrics } from "../system/metrics.js";
import type { ActivityTracker } from "../sleep/activity.js";
import type { SpaceStateStore } from "../sleep/spaceState.js";
import type { CpuMonitor } from "../sleep/cpuMonitor.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";
import type { Db } from "../store/db.js";
import { ExecTaskAgent } from "./agentExec.js";
import type { TaskAgentPort } from "./ports.js";
import { TaskLogs } from "./taskLogs.js";
import { TaskRepo } from "./taskRepo.js";
import { TaskService } from "./taskService.js";
import { TaskWatcher } from "./taskWatcher.js";
import { TaskWebhook, type WebhookSettings } from "./webhook.js";

export interface TaskSettingsConfig {
  pollMs: number;
  graceMs: number;
  webhook?: WebhookSettings;
}

export interface TaskParts {
  service: TaskService;
  logs: TaskLogs;
  watcher: TaskWatcher;
  webhook?: TaskWebhook;
}

/** Wires the task domain; the agent port defaults to the supervisor reached through docker exec. */
export function composeTasks(
  d: { db: Db; engine: Engine; lifecycle: SpaceLifecycle; activity: ActivityTracker; audit: AuditLog; events: SpaceEvents; state: SpaceStateStore; cpu?: CpuMonitor; log: Logger; clock: Clock; metrics: Metrics },
  cfg: TaskSettingsConfig,
  agent: TaskAgentPort = new ExecTaskAgent(d.engine.exec),
): TaskParts {
  const webhook = cfg.webhook ? new TaskWebhook(cfg.webhook, d.log) : undefined;
  const repo = new TaskRepo(d.db);
  const service = new TaskService(
    { repo, agent, containers: d.engine.containers, lifecycle: d.lifecycle, activity: d.activity, audit: d.audit, events: d.events, log: d.log, clock: d.clock, onEnd: webhook ? (t) => webhook.taskEnded(t) : undefined },
    { graceMs: cfg.graceMs },
  );
  // A space that stops takes its tasks' processes with it; one destroyed takes its tasks.
  d.events.on((e) => {
    if (e.state === "hibernated") service.interruptSpace(e.space, "the space hibernated");
    else if (e.state === "stopped") service.interruptSpace(e.space, "the space stopped");
    else if (e.state === "destroyed") service.forgetSpace(e.space);
  });
  d.metrics.gauge("clawdspace_tasks_running", "Background tasks running on this node", () => service.running().length);
  service.resume();
  const watcher = new TaskWatcher(service, agent, d.engine.containers, d.cpu, d.state, d.log, { pollMs: cfg.pollMs }, d.clock);
  return { service, logs: new TaskLogs(service, agent, d.lifecycle, d.engine.containers), watcher, webhook };
}
