import type { Space, SpaceState } from "@clawdspace/shared";
import { LABEL } from "../runtime/naming.js";
import type { SpaceRecord } from "../runtime/types.js";
import type { ActivityMark } from "./activity.js";

export interface ViewContext {
  node: string;
  activity?: ActivityMark;
  pausedBy?: "user" | "idle";
  hibernated?: boolean;
}

const iso = (d: Date | number | null | undefined) => (d === null || d === undefined ? null : new Date(d).toISOString());

/** The wire object for a space; never exposes engine objects. */
export function toSpaceView(r: SpaceRecord, ctx: ViewContext): Space {
  let state: SpaceState = r.state;
  if (r.state === "paused" && ctx.pausedBy === "idle") state = "sleeping";
  if (r.state === "stopped" && ctx.hibernated) state = "hibernated";
  const lastAt = ctx.activity?.at ?? null;
  const blockedBy: string[] = [];
  if (r.state === "paused" && ctx.pausedBy !== "idle") blockedBy.push("user-paused");
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
    volume: r.volume,
    template: r.labels[LABEL.template] ?? null,
    gpu: r.labels[LABEL.gpu] === "true",
    network: r.labels[LABEL.network] ?? "default",
    runtime: r.labels["clawdspace.runtime"] ?? "runc",
    node: r.labels[LABEL.node] ?? ctx.node,
    activity: { lastAt: iso(lastAt), lastSource: ctx.activity?.source ?? null },
    sleepsAt: null,
    sleepBlockedBy: blockedBy,
  };
}
