import { AgentCredentialsSchema, type AgentCredentials, type CreateSpaceInput, type Space } from "@clawdspace/shared";
import { splitAgentEnv } from "../agents/credentials.js";
import type { Logger } from "pino";
import type { Actor } from "../core/actor.js";
import { InvalidInputError, StateConflictError } from "../core/errors.js";
import { LABEL, SPACE_KIND, VOLUME_KIND, volumeNameOf } from "../engine/naming.js";
import type { BindMount, ContainerSpec, ContainersPort } from "../engine/ports/containers.js";
import type { VolumesPort } from "../engine/ports/volumes.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { ActivityTracker } from "../sleep/activity.js";
import { GPU_RUNTIME, type HostFacts } from "../system/hostFacts.js";
import type { NetworkPolicy } from "../network/networkPolicy.js";
import type { SpaceSetup } from "./setup.js";
import type { SpaceStateStore } from "../sleep/spaceState.js";
import { effectiveSettings, inWorkspace, settingsLabels, type EffectiveSettings } from "../templates/effective.js";
import type { TemplateService } from "../templates/templateService.js";
import type { SpaceLifecycle } from "./lifecycle.js";
import type { SpaceViews } from "./views.js";
import type { AgentContainerPlanner } from "../spaceAgent/containerParts.js";

export interface SpaceCreationOptions {
  image: string;
  defaultMemory: number;
  defaultCpus: number;
  pidsLimit: number;
  node: string;
  extraLabels: Record<string, string>;
  /** Operator's CA bundle (or folder of .crt files), mounted read-only into every space and trusted there. */
  extraCa?: BindMount;
  /** Whether a clone token may go over plain http (tests and closed networks); otherwise https only. */
  repoTokenOverHttp?: boolean;
  /** The space agent's mount and start command, for the images that carry it (docs/SPACE-AGENT.md). */
  spaceAgent?: AgentContainerPlanner;
}

export interface SpaceCreationDeps {
  containers: ContainersPort;
  volumes: VolumesPort;
  activity: ActivityTracker;
  state: SpaceStateStore;
  host: HostFacts;
  audit: AuditLog;
  log: Logger;
  templates: TemplateService;
  setup: SpaceSetup;
  lifecycle: SpaceLifecycle;
  views: SpaceViews;
  /** Enforces network modes; without it every mode but none uses the engine's default bridge. */
  network?: NetworkPolicy;
  /** Keeps a create's own Claude Code credentials (outside the store and the container's env). */
  agentCredentials?: { set(space: string, c: AgentCredentials): void };
}

const MIN_MEMORY = 6 * 1024 ** 2;

/**
 * Making a space: the template resolved and checked against the host, its volume (made or
 * adopted), the container, the in-space setup steps, and a rollback of what this call made.
 */
export class SpaceCreation {
  private readonly creating = new Set<string>();

  constructor(
    private readonly d: SpaceCreationDeps,
    private readonly opts: SpaceCreationOptions,
  ) {}

  async create(input: CreateSpaceInput, who: Actor = {}): Promise<Space> {
    const { name } = input;
    // The node that makes it is the one named; a pin elsewhere reached this node by mistake (or it stands alone).
    if (input.node !== undefined && input.node !== this.opts.node) throw InvalidInputError.at("request body", "node", `no node named ${input.node} (this node is ${this.opts.node})`);
    // A second create while one is in flight is a conflict at once, not a queued duplicate.
    if (this.creating.has(name)) throw new StateConflictError("SPACE_EXISTS", `Space "${name}" is being created`);
    this.creating.add(name);
    try {
      return await this.d.lifecycle.locked(name, () => this.createLocked(input, who));
    } finally {
      this.creating.delete(name);
    }
  }

  private async createLocked(input: CreateSpaceInput, who: Actor): Promise<Space> {
    const { name } = input;
    const eff = await this.settingsFor(input);
    await this.checkLimits(eff.memory, eff.cpus);
    const { memory, cpus, image } = eff;

    const networkName = eff.network !== "none" && this.d.network ? await this.d.network.ensure(eff.network) : undefined;
    const volumeName = volumeNameOf(name);
    const labels: Record<string, string> = {
      ...this.opts.extraLabels,
      [LABEL.kind]: SPACE_KIND,
      [LABEL.space]: name,
      [LABEL.volume]: volumeName,
      [LABEL.node]: this.opts.node,
      ...settingsLabels(eff),
    };

    const existing = await this.d.volumes.inspect(volumeName);
    if (existing && existing.labels[LABEL.kind] !== VOLUME_KIND) {
      throw new StateConflictError("SPACE_EXISTS", `A volume named "${volumeName}" exists and was not made by Clawdspace`);
    }
    const volume = existing ?? (await this.d.volumes.create(volumeName, { ...this.opts.extraLabels, [LABEL.space]: name }));
    const agent = this.opts.spaceAgent?.partsFor(name, image, eff.runtime);
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
      binds: [...(this.opts.extraCa ? [this.opts.extraCa] : []), ...(agent ? [agent.bind] : [])],
      cmd: agent?.cmd,
    };

    let id: string;
    try {
      ({ id } = await this.d.containers.create(spec));
      try {
        await this.d.containers.start(name);
        await this.afterStart(name, eff, input);
      } catch (e) {
        await this.d.containers.remove(name).catch((err) => this.d.log.warn({ err, space: name }, "rollback: container removal failed"));
        throw e;
      }
    } catch (e) {
      // Only a volume this call made goes away; an adopted one keeps its data.
      if (!existing) {
        await this.d.volumes.remove(volumeName).catch((err) => this.d.log.warn({ err, space: name }, "rollback: volume removal failed"));
      }
      throw e;
    }
    if (Object.keys(eff.agentCredentials).length) this.d.agentCredentials?.set(name, eff.agentCredentials);
    this.d.state.remove(name);
    this.d.activity.record(name, "create");
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
      ...(Object.keys(eff.agentCredentials).length ? { agentCredentials: Object.keys(eff.agentCredentials) } : {}),
      ...(input.envFile ? { envFile: eff.envFilePath } : {}),
      ...(input.repoUrl ? { repoUrl: input.repoUrl, repoDest: eff.repoDest, repoToken: Boolean(input.repoToken) } : {}),
    };
    this.d.audit.append({ ...who, space: name, type: "space.create", meta });
    this.d.log.info({ space: name, ...meta }, "space created");
    this.d.lifecycle.emitState(name, "running", "create");
    const now = new Date();
    return this.d.views.view({
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
  private async settingsFor(input: CreateSpaceInput): Promise<EffectiveSettings & { envFilePath?: string; agentCredentials: AgentCredentials }> {
    const templateName = input.template ?? "default";
    const template = this.d.templates.resolve(templateName);
    if (!template) {
      throw new InvalidInputError(`Invalid request body: template: no template named "${templateName}"`, [
        { path: "template", message: `known templates: ${this.d.templates.list().map((t) => t.name).join(", ")}` },
      ]);
    }
    const eff = effectiveSettings(input, templateName, template, { image: this.opts.image, memory: this.opts.defaultMemory, cpus: this.opts.defaultCpus });
    const bad = (path: string, message: string) => InvalidInputError.at("request body", path, message);
    const host = await this.d.host.get();
    if (!host.runtimes.includes(eff.runtime)) {
      throw bad("runtime", `the engine has no runtime "${eff.runtime}" (it has: ${host.runtimes.join(", ")}); see docs/TEMPLATES.md for gVisor`);
    }
    if (eff.gpu !== false && !host.runtimes.includes(GPU_RUNTIME)) {
      throw bad("gpu", `this node has no GPU runtime (no "${GPU_RUNTIME}" runtime registered with the engine), so it cannot give a space a GPU`);
    }
    if (input.repoUrl && eff.network === "none") throw bad("repoUrl", "a repository cannot be cloned into a space with network none");
    if (input.repoToken && input.repoUrl?.toLowerCase().startsWith("http:") && !this.opts.repoTokenOverHttp) {
      throw bad("repoToken", "a token is only sent over https (plain http would show it to anyone on the path); set REPO_TOKEN_ALLOW_HTTP=true to allow it");
    }
    if (!input.repoUrl && (input.repoBranch || input.repoToken || input.repoDest)) throw bad("repoUrl", "repoBranch, repoDest and repoToken need repoUrl");
    // Claude Code's credentials given as env become the space's own, outside the container's environment.
    const split = splitAgentEnv(eff.env);
    const creds = AgentCredentialsSchema.safeParse({ ...split.credentials, ...input.agent });
    if (!creds.success) throw bad(`env.${split.names[0] ?? "agent"}`, creds.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join("; "));
    return { ...eff, env: split.env, envFilePath: input.envFile ? inWorkspace(input.envFile.path) : undefined, agentCredentials: creds.data };
  }

  /** In-space steps of a create, in order: trust the operator CA, write the env file, clone. */
  private async afterStart(name: string, eff: EffectiveSettings, input: CreateSpaceInput): Promise<void> {
    if (this.opts.extraCa && eff.writableRootfs) await this.d.setup.trustExtraCa(name);
    if (input.envFile) await this.d.setup.writePrivateFile(name, input.envFile.path, input.envFile.bytes);
    if (input.repoUrl) {
      await this.d.setup.clone(name, { url: input.repoUrl, branch: input.repoBranch, dest: eff.repoDest, token: input.repoToken });
    }
  }

  private async checkLimits(memory: number, cpus: number): Promise<void> {
    const host = await this.d.host.get();
    const issues: Array<{ path: string; message: string }> = [];
    if (memory < MIN_MEMORY) issues.push({ path: "memory", message: "memory must be at least 6m (the engine's minimum)" });
    if (host.memoryBytes > 0 && memory > host.memoryBytes) {
      issues.push({ path: "memory", message: `memory exceeds the host's ${Math.floor(host.memoryBytes / 1024 ** 2)}m` });
    }
    if (host.cpus > 0 && cpus > host.cpus) issues.push({ path: "cpus", message: `cpus exceeds the host's ${host.cpus} CPUs` });
    if (cpus < 0.01) issues.push({ path: "cpus", message: "cpus must be at least 0.01" });
    if (issues.length) {
      throw new InvalidInputError(`Invalid request body: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
    }
  }
}
