import type { Space, SpaceState } from "@clawdspace/shared";
import { LABEL, WORKSPACE } from "../engine/naming.js";
import type { SpaceRecord } from "../engine/ports/containers.js";
import type { ActivityMark } from "../sleep/activity.js";
import type { SleepDecision } from "../sleep/decide.js";

export interface ViewContext {
  node: string;
  activity?: ActivityMark;
  decision: SleepDecision;
}

const iso = (d: Date | number | null | undefined) => (d === null || d === undefined ? null : new Date(d).toISOString());

const optionalNumber = (key: string, v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? { [key]: Number(v) } : {});

/** The wire object for a space; never exposes engine objects. */
export function toSpaceView(r: SpaceRecord, ctx: ViewContext): Space {
  const state: SpaceState = ctx.decision.state;
  const lastAt = ctx.activity?.at ?? null;
  const blockedBy = ctx.decision.blockedBy.map((b) => b.reason);
  return {
    name: r.name,
    id: r.id.slice(0, 12),
    status: r.state,
    state,
    created: r.created.toISOString(),
    started: iso(r.startedAt),
    image: r.image,
    memory: r.memory,
    cpus: r.cpus,
    lastActivity: iso(lastAt ?? r.startedAt ?? r.created),
    // Where it is mounted in the space, as Clawdspace answers: never the engine host's path.
    volume: { name: r.volume.name, mountpoint: WORKSPACE },
    template: r.labels[LABEL.template] ?? null,
    gpu: r.labels[LABEL.gpu] === "true",
    network: r.labels[LABEL.network] ?? "internet",
    runtime: r.labels[LABEL.runtime] ?? "runc",
    privileges: r.labels[LABEL.privileges] === "relaxed" ? "relaxed" : "strict",
    writableRootfs: r.labels[LABEL.writableRootfs] !== "false",
    ...optionalNumber("idleTimeoutMs", r.labels[LABEL.idleTimeoutMs]),
    ...optionalNumber("hibernateAfterMs", r.labels[LABEL.hibernateAfterMs]),
    node: r.labels[LABEL.node] ?? ctx.node,
    activity: { lastAt: iso(lastAt), lastSource: ctx.activity?.source ?? null },
    sleepsAt: blockedBy.length === 0 ? iso(ctx.decision.pauseAt) : null,
    sleepBlockedBy: blockedBy,
  };
}
