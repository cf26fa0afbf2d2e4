import type { CreateSpaceInput, Space, WakeTier } from "@clawdspace/shared";
import type { Logger } from "pino";
import { HttpError } from "../http/httpError.js";
import { ConflictError } from "../engine/errors.js";
import { LABEL, SPACE_KIND, VOLUME_KIND, volumeNameOf } from "../engine/naming.js";
import type { BindMount, ContainerSpec, ContainersPort, SpaceRecord } from "../engine/ports/containers.js";
import type { Engine } from "../engine/engine.js";
import type { ExecPort } from "../engine/ports/exec.js";
import type { VolumesPort } from "../engine/ports/volumes.js";
import { KeyedLock } from "../util/keyedLock.js";
import type { AuditLog } from "../store/auditLog.js";
import type { ActivityTracker } from "./activity.js";
import { GPU_RUNTIME, type HostFacts } from "./hostFacts.js";
import { SpaceEvents, type SpaceEventState } from "./spaceEvents.js";
import type { CpuMonitor } from "./sleep/cpuMonitor.js";
import { decideSleep, type SleepDecision, type SleepPolicy } from "./sleep/decide.js";
import { checkVeto } from "./sleep/veto.js";
import type { SpaceStateStore } from "./spaceState.js";
import type { SpaceSetup } from "./spaceSetup.js";
import { toSpaceView } from "./spaceView.js";
import { effectiveSettings, inWorkspace, sleepPolicyOf, settingsLabels, type EffectiveSettings } from "./templates/effective.js";
import type { TemplateService } from "./templates/templateService.js";
import type { NetworkPolicy } from "./network/networkPolicy.js";

export interface SpaceServiceOptions {
  image: string;
  defaultMemory: number;
  defaultCpus: number;
  pidsLimit: number;
  node: string;
  extraLabels: Record<string, string>;
  sleep: SleepPolicy;
  /** Operator's CA bundle (or folder of .crt files), mounted read-only into every space and trusted there. */
  extraCa?: BindMount;
}

export interface SpaceServiceDeps {
  engine: Pick<Engine, "containers" | "volumes" | "exec">;
  activity: ActivityTracker;
  state: SpaceStateStore;
  host: HostFacts;
  audit: AuditLog;
  cpu: CpuMonitor;
  log: Logger;
  templates: TemplateService;
  setup: SpaceSetup;
  /** Enforces network modes; without it every mode but none uses the engine's default bridge. */
  network?: NetworkPolicy;
  /** State changes are announced here (terminals, event streams); a private bus when absent. */
  events?: SpaceEvents;
}

/** Who asked for an operation, for the audit log. */
export interface Actor {
  actor?: string;
  requestId?: string;
}

const MIN_MEMORY = 6 * 1024 ** 2;


/** Lifecycle of spaces: validation against the host, locking, rollback, wake-on-demand. */
export class SpaceService {
  private readonly lock = new KeyedLock();
  private readonly creating = new Set<string>();
  /** Results of on-demand veto probes, so polling GET /sleep does not probe (and spend CPU in) the space each time. */
  private readonly vetoProbes = new Map<string, { veto: string | null; at: number }>();
  private readonly containers: ContainersPort;
  private readonly volumes: VolumesPort;
  private readonly exec: ExecPort;
  private readonly activity: ActivityTracker;
  private readonly state: SpaceStateStore;
  private readonly host: HostFacts;
  private readonly audit: AuditLog;
  private readonly cpu: CpuMonitor;
  private readonly log: Logger;
  private readonly templates: TemplateService;
  private readonly setup: SpaceSetup;
  private readonly network: NetworkPolicy | undefined;
  readonly events: SpaceEvents;

  constructor(
    deps: SpaceServiceDeps,
    private readonly opts: SpaceServiceOptions,
  ) {
    ({ activity: this.activity, state: this.state, host: this.host, audit: this.audit, cpu: this.cpu, log: this.log } =
      deps);
    ({ containers: this.containers, volumes: this.volumes, exec: this.exec } = deps.engine);
    this.templates = deps.templates;
    this.setup = deps.setup;
    this.network = deps.network;
    this.events = deps.events ?? new SpaceEvents();
  }

  /** Announces a state change on the bus. */
  emitState(space: string, state: SpaceEventState, cause: string): void {
    this.events.emit({ space, state, cause, at: this.activity.now() });
  }

  /** The sleep decision for a space as the worker would take it now (without running its live checks). */
  sleepDecision(r: SpaceRecord): SleepDecision {
    return decideSleep(
      {
        now: this.activity.now(),
        runtimeState: r.state,
        row: this.state.get(r.name),
        running: this.activity.runningCounts(r.name),
        cpu: this.cpu.latest(r.name),
      },
      sleepPolicyOf(r.labels, this.opts.sleep),
    );
  }

  view(r: SpaceRecord): Space {
    const decision = this.sleepDecision(r);
    return toSpaceView(r, { node: this.opts.node, activity: this.activity.lastActivity(r.name), decision });
  }

  async list(): Promise<Space[]> {
    const records = await this.containers.list();
    return records.map((r) => this.view(r)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<Space> {
    return this.view(await this.containers.inspect(name));
  }

  async create(input: CreateSpaceInput, who: Actor = {}): Promise<Space> {
    const { name } = input;
    // A second create while one is in flight is a conflict at once, not a queued duplicate.
    if (this.creating.has(name)) throw new HttpError(409, "SPACE_EXISTS", `Space "${name}" is being created`);
    this.creating.add(name);
    try {
      return await this.lock.run(name, () => this.createLocked(input, who));
    } finally {
      this.creating.delete(name);
    }
  }

  private async createLocked(input: CreateSpaceInput, who: Actor): Promise<Space> {
    const { name } = input;
    const eff = await this.settingsFor(input);
    await this.checkLimits(eff.memory, eff.cpus);
    const { memory, cpus, image } = eff;

    const networkName = eff.network !== "none" && this.network ? await this.network.ensure(eff.network) : undefined;
    const volumeName = volumeNameOf(name);
    const labels: Record<string, string> = {
      ...this.opts.extraLabels,
      [LABEL.kind]: SPACE_KIND,
      [LABEL.space]: name,
      [LABEL.volume]: volumeName,
      [LABEL.node]: this.opts.node,
      ...settingsLabels(eff),
    };

    const existing = await this.volumes.inspect(volumeName);
    if (existing && existing.labels[LABEL.kind] !== VOLUME_KIND) {
      throw new HttpError(409, "SPACE_EXISTS", `A volume named "${volumeName}" exists and was not made by Clawdspace`);
    }
    const volume = existing ?? (await this.volumes.create(volumeName, { ...this.opts.extraLabels, [LABEL.space]: name }));
    const spec: ContainerSpec = {
      name,
      image,
      memory,
      cpus,
      pidsLimit: this.opts.pidsLimit,
      tmpfsBytes: Math.max(64 * 1024 ** 2, Math.floor(memory / 4)),
      env: eff.env,
      labels,
      volumeName,
      gpu: eff.gpu,
      network: eff.network,
      networkName,
      runtime: eff.runtime,
      privileges: eff.privileges,
      readOnlyRootfs: !eff.writableRootfs,
      binds: this.opts.extraCa ? [this.opts.extraCa] : [],
    };

    let id: string;
    try {
      ({ id } = await this.containers.create(spec));
      try {
        await this.containers.start(name);
        await this.afterStart(name, eff, input);
      } catch (e) {
        await this.containers.remove(name).catch((err) => this.log.warn({ err, space: name }, "rollback: container removal failed"));
        throw e;
      }
    } catch (e) {
      // Only a volume this call made goes away; an adopted one keeps its data.
      if (!existing) {
        await this.volumes.remove(volumeName).catch((err) => this.log.warn({ err, space: name }, "rollback: volume removal failed"));
      }
      throw e;
    }
    this.state.remove(name);
    this.activity.record(name, "create");
    // Names only: env values, file contents and tokens never reach the audit log or the logs.
    const meta = {
      image,
      memory,
      cpus,
      adoptedVolume: Boolean(existing),
      template: eff.template,
      network: eff.network,
      networkName,
      runtime: eff.runtime,
      privileges: eff.privileges,
      gpu: eff.gpu !== false,
      envNames: Object.keys(eff.env),
      ...(input.envFile ? { envFile: eff.envFilePath } : {}),
      ...(input.repoUrl ? { repoUrl: input.repoUrl, repoDest: eff.repoDest, repoToken: Boolean(input.repoToken) } : {}),
    };
    this.audit.append({ ...who, space: name, type: "space.create", meta });
    this.log.info({ space: name, ...meta }, "space created");
    this.emitState(name, "running", "create");
    const now = new Date();
    return this.view({
      name,
      id,
      containerName: `clawdspace-${name}`,
      state: "running",
      image,
      created: now,
      startedAt: now,
      labels,
      volume: { name: volume.name, mountpoint: volume.mountpoint },
      memory,
      cpus,
    });
  }

  /** The template resolved and the request laid over it, checked against what this node can do. */
  private async settingsFor(input: CreateSpaceInput): Promise<EffectiveSettings & { envFilePath?: string }> {
    const templateName = input.template ?? "default";
    const template = this.templates.resolve(templateName);
    if (!template) {
      throw new HttpError(400, "VALIDATION_FAILED", `Invalid request body: template: no template named "${templateName}"`, {
        issues: [{ path: "template", message: `known templates: ${this.templates.list().map((t) => t.name).join(", ")}` }],
      });
    }
    const eff = effectiveSettings(input, templateName, template, { image: this.opts.image, memory: this.opts.defaultMemory, cpus: this.opts.defaultCpus });
    const bad = (path: string, message: string) =>
      new HttpError(400, "VALIDATION_FAILED", `Invalid request body: ${path}: ${message}`, { issues: [{ path, message }] });
    const host = await this.host.get();
    if (!host.runtimes.includes(eff.runtime)) {
      throw bad("runtime", `the engine has no runtime "${eff.runtime}" (it has: ${host.runtimes.join(", ")}); see docs/TEMPLATES.md for gVisor`);
    }
    if (eff.gpu !== false && !host.runtimes.includes(GPU_RUNTIME)) {
      throw bad("gpu", `this node has no GPU runtime (no "${GPU_RUNTIME}" runtime registered with the engine), so it cannot give a space a GPU`);
    }
    if (input.repoUrl && eff.network === "none") throw bad("repoUrl", "a repository cannot be cloned into a space with network none");
    if (!input.repoUrl && (input.repoBranch || input.repoToken || input.repoDest)) throw bad("repoUrl", "repoBranch, repoDest and repoToken need repoUrl");
    return { ...eff, envFilePath: input.envFile ? inWorkspace(input.envFile.path) : undefined };
  }

  /** In-space steps of a create, in order: trust the operator CA, write the env file, clone. */
  private async afterStart(name: string, eff: EffectiveSettings, input: CreateSpaceInput): Promise<void> {
    if (this.opts.extraCa && eff.writableRootfs) await this.setup.trustExtraCa(name);
    if (input.envFile) await this.setup.writePrivateFile(name, input.envFile.path, input.envFile.bytes);
    if (input.repoUrl) {
      await this.setup.clone(name, { url: input.repoUrl, branch: input.repoBranch, dest: eff.repoDest, token: input.repoToken });
    }
  }

  /** Root in a space is for relaxed privileges only (a template's choice, recorded as a label at create). */
  async rootUserFor(name: string): Promise<string> {
    const record = await this.containers.inspect(name);
    if (record.labels[LABEL.privileges] !== "relaxed") {
      throw new HttpError(403, "FORBIDDEN", `Space ${name} runs with strict privileges; exec as root needs a template with security.privileges: relaxed`);
    }
    return "0:0";
  }

  private async checkLimits(memory: number, cpus: number): Promise<void> {
    const host = await this.host.get();
    const issues: Array<{ path: string; message: string }> = [];
    if (memory < MIN_MEMORY) issues.push({ path: "memory", message: "memory must be at least 6m (the engine's minimum)" });
    if (host.memoryBytes > 0 && memory > host.memoryBytes) {
      issues.push({ path: "memory", message: `memory exceeds the host's ${Math.floor(host.memoryBytes / 1024 ** 2)}m` });
    }
    if (host.cpus > 0 && cpus > host.cpus) issues.push({ path: "cpus", message: `cpus exceeds the host's ${host.cpus} CPUs` });
    if (cpus < 0.01) issues.push({ path: "cpus", message: "cpus must be at least 0.01" });
    if (issues.length) {
      throw new HttpError(400, "VALIDATION_FAILED", `Invalid request body: ${issues[0]!.path}: ${issues[0]!.message}`, { issues });
    }
  }

  async remove(name: string, removeVolume: boolean, who: Actor = {}): Promise<string> {
    return this.lock.run(name, async () => {
      const record = await this.containers.inspect(name);
      await this.containers.remove(name);
      this.activity.forget(name);
      this.cpu.forget(name);
      this.audit.append({ ...who, space: name, type: "space.destroy", meta: { removeVolume } });
      if (removeVolume && record.volume.name) await this.volumes.remove(record.volume.name);
      this.log.info({ space: name, removeVolume }, "space destroyed");
      this.emitState(name, "destroyed", "user");
      return removeVolume ? `Space ${name} destroyed with its volume` : `Space ${name} destroyed; volume ${record.volume.name} kept`;
    });
  }

  /** Pauses a space on a person's request; pausing a paused space is a no-op. The worker will not wake it. */
  async pause(name: string, who: Actor = {}): Promise<string> {
    return this.lock.run(name, async () => {
      const record = await this.containers.inspect(name);
      if (record.state === "stopped") {
        throw new HttpError(409, "SPACE_STATE_CONFLICT", `Space ${name} is stopped; there is nothing to pause (start it first)`);
      }
      if (record.state === "paused") {
        // A space the worker put to sleep becomes the person's: it stays paused until they resume it.
        if (this.state.get(name).pausedBy !== "user") {
          this.state.markPaused(name, "user", this.activity.now());
          this.emitState(name, "paused", "user");
        }
        return `Space ${name} is already paused`;
      }
      await this.containers.pause(name);
      this.state.markPaused(name, "user", this.activity.now());
      this.audit.append({ ...who, space: name, type: "space.pause", meta: { reason: "user" } });
      this.log.info({ space: name, by: "user" }, "space paused");
      this.emitState(name, "paused", "user");
      return `Space ${name} paused`;
    });
  }

  /**
   * The worker's pause. Re-checked under the space's lock: activity that arrived
   * after the decision wins, and a pause that raced with a starting exec is undone.
   */
  async pauseIdle(name: string, decidedAt: number, meta: Record<string, unknown>): Promise<boolean> {
    return this.lock.run(name, async () => {
      const stillIdle = () => {
        const running = this.activity.runningCounts(name);
        const row = this.state.get(name);
        // A person's pause that landed while the worker was checking stays theirs (never relabelled "idle", never hibernated).
        return row.pausedBy === null && row.lastActivityAt <= decidedAt && running.exec === 0 && running.terminal === 0;
      };
      if (!stillIdle()) return false;
      await this.containers.pause(name);
      if (!stillIdle()) {
        await this.containers.unpause(name);
        this.log.info({ space: name }, "idle pause raced with new activity; resumed");
        return false;
      }
      this.state.markPaused(name, "idle", this.activity.now());
      this.audit.append({ space: name, actor: "worker", type: "space.pause", meta: { reason: "idle", ...meta } });
      this.log.info({ space: name, reason: "idle", ...meta }, "space paused by the sleep worker");
      this.emitState(name, "sleeping", "idle");
      return true;
    });
  }

  /** Second tier: a sleeping space is stopped to free its memory; the volume stays. */
  async hibernate(name: string, meta: Record<string, unknown>): Promise<boolean> {
    return this.lock.run(name, async () => {
      const row = this.state.get(name);
      const record = await this.containers.inspect(name);
      if (record.state !== "paused" || row.pausedBy !== "idle") return false;
      // Thaw first so the processes get their SIGTERM and the grace period, as in any clean stop.
      await this.containers.unpause(name);
      // Announced before the stop, which ends every process in the space: a terminal can say why its shell went away.
      this.emitState(name, "hibernated", "idle");
      await this.containers.stop(name, 10);
      this.state.update(name, { pausedBy: null, pausedAt: null, hibernatedAt: this.activity.now() });
      this.audit.append({ space: name, actor: "worker", type: "space.hibernate", meta: { reason: "idle", ...meta } });
      this.log.info({ space: name, ...meta }, "space hibernated by the sleep worker");
      return true;
    });
  }

  /** Resumes a paused space or starts a stopped one; reports which wake it took. */
  async start(name: string, who: Actor = {}): Promise<{ message: string; wake?: WakeTier }> {
    const wake = await this.wake(name, "start", who);
    this.activity.record(name, "start");
    this.audit.append({ ...who, space: name, type: "space.start", meta: wake ? { wake } : {} });
    if (!wake) return { message: `Space ${name} is already running` };
    return { message: `Space ${name} ${wake === "warm" ? "resumed" : "started"}`, wake };
  }

  /** Brings a space to running from either tier; undefined when it already ran. */
  async wake(name: string, cause: string, who: Actor = {}): Promise<WakeTier | undefined> {
    return this.lock.run(name, async () => {
      const record = await this.containers.inspect(name);
      if (record.state === "running") return undefined;
      const tier: WakeTier = record.state === "paused" ? "warm" : "cold";
      const row = this.state.get(name);
      const from = tier === "warm" ? (row.pausedBy === "idle" ? "sleeping" : "paused") : row.hibernatedAt ? "hibernated" : "stopped";
      if (tier === "warm") await this.containers.unpause(name);
      else await this.containers.start(name);
      this.state.clearSleep(name);
      this.activity.record(name, "wake");
      this.audit.append({ ...who, space: name, type: "space.wake", meta: { tier, cause, from } });
      this.log.info({ space: name, tier, cause, from }, "space woken");
      this.emitState(name, "running", `wake:${cause}`);
      return tier;
    });
  }

  /** Wake after the engine refused an exec because the space sleeps (saves an inspect on the hot path). */
  async wakeAfterConflict(name: string, err: unknown, cause: string, who: Actor = {}): Promise<WakeTier> {
    if (!(err instanceof ConflictError) || (err.reason !== "paused" && err.reason !== "not-running")) throw err;
    const tier = await this.wake(name, cause, who);
    return tier ?? "warm";
  }

  /** Holds a space awake for ttlMs (clamped to the configured maximum); 0 releases the lease. Wakes it if asleep. */
  async keepalive(name: string, ttlMs: number, maxMs: number, who: Actor = {}) {
    // Releasing a lease needs nothing running; only a real lease wakes the space.
    const wake = ttlMs > 0 ? await this.wake(name, "keepalive", who) : (await this.containers.inspect(name), undefined);
    const granted = Math.min(ttlMs, maxMs);
    const until = granted > 0 ? this.activity.now() + granted : null;
    if (until === null) this.state.update(name, { leaseUntil: null });
    else this.activity.lease(name, until);
    this.audit.append({ ...who, space: name, type: "space.keepalive", meta: { ttlMs: granted, clamped: granted < ttlMs } });
    return { until: until === null ? null : new Date(until).toISOString(), ttlMs: granted, clamped: granted < ttlMs, ...(wake ? { wake } : {}) };
  }

  /**
   * "Would it pause now, and why (not)?" Uses the worker's own decision, and when
   * the clock says pause, runs the same CPU and veto checks the worker would.
   */
  async explainSleep(name: string) {
    const record = await this.containers.inspect(name);
    const decision = this.sleepDecision(record);
    const blockedBy = [...decision.blockedBy] as Array<{ reason: string; until?: number; percent?: number }>;
    let wouldPauseNow = false;
    if (decision.action === "check") {
      // Reuse what the worker just learnt; measure apart from its window so looking is never taken for activity.
      const now = this.activity.now();
      const fresh = (at: number | undefined) => at !== undefined && now - at <= this.opts.sleep.checkValidMs;
      const latest = this.cpu.latest(name);
      const cpu = latest && fresh(latest.at) ? latest : await this.cpu.measureApart(name, 1000);
      const probed = this.vetoProbes.get(name);
      let veto = probed && fresh(probed.at) ? probed.veto : undefined;
      if (veto === undefined) {
        veto = await checkVeto(this.exec, name);
        this.vetoProbes.set(name, { veto, at: this.activity.now() });
        await this.cpu.rebase(name);
      }
      if (cpu?.busy && !blockedBy.some((b) => b.reason === "cpu")) blockedBy.push({ reason: "cpu", percent: cpu.percent });
      if (veto && !blockedBy.some((b) => b.reason === veto)) blockedBy.push({ reason: veto });
      wouldPauseNow = blockedBy.length === 0;
    }
    const last = this.activity.lastActivity(name);
    const iso = (t: number | null | undefined) => (t === null || t === undefined ? null : new Date(t).toISOString());
    return {
      state: decision.state,
      lastActivity: { at: iso(last?.at), source: last?.source ?? null },
      pauseAt: iso(decision.pauseAt),
      hibernateAt: iso(decision.hibernateAt),
      blockedBy: blockedBy.map((b) => ({ ...b, ...(b.until !== undefined ? { until: iso(b.until) } : {}) })),
      wouldPauseNow,
      wouldHibernateNow: decision.action === "hibernate",
    };
  }

  async stats(name: string) {
    return this.containers.stats(name);
  }
}
