import { posix } from "node:path";
import type { CreateSpaceInput, GpuRequest, NetworkMode, PrivilegeLevel, Template } from "@clawdspace/shared";
import { LABEL, WORKSPACE } from "../engine/naming.js";
import type { GpuSpec } from "../engine/ports/containers.js";
import type { SleepPolicy } from "../sleep/decide.js";
import { tunnelLabels } from "../tunnel/tunnelPolicy.js";

/** What a space is made with: request fields over its template over the server's defaults. */
export interface EffectiveSettings {
  template: string;
  image: string;
  memory: number;
  cpus: number;
  gpu: GpuSpec;
  network: NetworkMode;
  runtime: string;
  privileges: PrivilegeLevel;
  writableRootfs: boolean;
  idleTimeoutMs?: number;
  hibernateAfterMs?: number;
  env: Record<string, string>;
  /** Absolute clone target under /workspace. */
  repoDest: string;
  /** What the tunnel may reach, from the template (docs/SSH.md). */
  tunnel: Template["tunnel"];
}

export interface ServerDefaults {
  image: string;
  memory: number;
  cpus: number;
}

export function toGpuSpec(g: GpuRequest | undefined): GpuSpec {
  if (g === undefined || g === false) return false;
  if (g === true) return { count: -1 };
  return g.deviceIds ? { deviceIds: g.deviceIds } : { count: g.count! };
}

/** A workspace path made absolute; the schema already refused "..". */
export const inWorkspace = (p: string) => posix.normalize(p.startsWith("/") ? p : `${WORKSPACE}/${p}`).replace(/\/$/, "");

export function effectiveSettings(input: CreateSpaceInput, templateName: string, t: Template, d: ServerDefaults): EffectiveSettings {
  const repoDest = input.repoDest ?? t.workspace.defaultRepoDest ?? (input.repoUrl ? repoFolder(input.repoUrl) : "");
  return {
    template: templateName,
    image: input.image ?? t.resources.image ?? d.image,
    memory: input.memory ?? t.resources.memory ?? d.memory,
    cpus: input.cpus ?? t.resources.cpus ?? d.cpus,
    gpu: toGpuSpec(input.gpu ?? t.resources.gpu),
    network: input.network ?? t.network.mode ?? "internet",
    runtime: input.runtime ?? t.security.runtime ?? "runc",
    privileges: input.privileges ?? t.security.privileges ?? "strict",
    writableRootfs: input.writableRootfs ?? t.security.writableRootfs ?? true,
    idleTimeoutMs: t.sleep.idleTimeout,
    hibernateAfterMs: t.sleep.hibernateAfter,
    // The template's env is a default; the request's values win name by name.
    env: { ...t.env, ...input.env },
    repoDest: repoDest ? inWorkspace(repoDest) : WORKSPACE,
    tunnel: t.tunnel,
  };
}

/** "https://host/org/repo.git" clones into /workspace/repo, as git clone would name it. */
function repoFolder(url: string): string {
  const last = new URL(url).pathname.split("/").filter(Boolean).pop() ?? "repo";
  const name = last.replace(/\.git$/, "").replace(/[^A-Za-z0-9._-]/g, "_");
  return name && name !== "." && name !== ".." ? name : "repo";
}

/** The effective settings as labels, so listing and the sleep worker know them without an inspect. */
export function settingsLabels(s: EffectiveSettings): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL.memory]: String(s.memory),
    [LABEL.cpus]: String(s.cpus),
    [LABEL.gpu]: String(s.gpu !== false),
    [LABEL.template]: s.template,
    [LABEL.network]: s.network,
    [LABEL.runtime]: s.runtime,
    [LABEL.privileges]: s.privileges,
    [LABEL.writableRootfs]: String(s.writableRootfs),
  };
  if (s.gpu !== false) labels[LABEL.gpuRequest] = JSON.stringify(s.gpu);
  if (s.idleTimeoutMs !== undefined) labels[LABEL.idleTimeoutMs] = String(s.idleTimeoutMs);
  if (s.hibernateAfterMs !== undefined) labels[LABEL.hibernateAfterMs] = String(s.hibernateAfterMs);
  Object.assign(labels, tunnelLabels(s.tunnel));
  return labels;
}

/** The server's sleep policy with a space's own timeouts (from its template) laid over it. */
export function sleepPolicyOf(labels: Record<string, string>, base: SleepPolicy): SleepPolicy {
  const num = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const idle = num(labels[LABEL.idleTimeoutMs]);
  const hibernate = num(labels[LABEL.hibernateAfterMs]);
  if (idle === undefined && hibernate === undefined) return base;
  return { ...base, idleTimeoutMs: idle ?? base.idleTimeoutMs, hibernateAfterMs: hibernate ?? base.hibernateAfterMs };
}
