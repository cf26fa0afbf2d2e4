import { Router, type ErrorRequestHandler } from "express";
import type { AuditLog } from "../audit/auditLog.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import { HttpError } from "../http/httpError.js";
import type { SpaceCreation } from "../spaces/creation.js";
import type { SystemService } from "../system/systemService.js";
import { auditFanoutRoutes } from "./auditFanoutRoutes.js";
import { fromPeer } from "./clusterAuth.js";
import type { ClusterContext } from "./clusterContext.js";
import { eventFanoutRoutes } from "./eventFanoutRoutes.js";
import { nodeRoutes } from "./nodeRoutes.js";
import { PeerUnreachableError } from "./peerTransport.js";
import { proxyRoutes } from "./proxyRoutes.js";
import { spaceFanoutRoutes, type FanoutOptions } from "./spaceFanoutRoutes.js";

export interface ClusterRouterDeps {
  system: SystemService;
  creation: Pick<SpaceCreation, "create">;
  audit: AuditLog;
  events: SpaceEvents;
  startedAt: number;
  fanout: FanoutOptions;
  eventsKeepAliveMs: number;
  eventsMaxStreams: number;
}

/** A peer that stopped answering mid-request is a 503 naming it, like any unreachable node. */
const unreachableAnswer: ErrorRequestHandler = (err, _req, _res, next) =>
  next(err instanceof PeerUnreachableError ? new HttpError(503, "NODE_UNREACHABLE", err.message, { node: err.peer }) : err);

/**
 * Mounted after auth and before the local routes. A request a peer relayed is this node's to answer:
 * it skips the fan-out and goes to the local routes (so nothing is relayed twice).
 */
export function clusterRouter(ctx: ClusterContext, deps: ClusterRouterDeps): Router {
  const r = Router();
  r.use(nodeRoutes(ctx, deps.system, deps.startedAt));
  r.use((req, _res, next) => next(fromPeer(req) ? "router" : undefined));
  r.use(spaceFanoutRoutes(ctx, deps.creation, deps.fanout));
  r.use(proxyRoutes(ctx));
  r.use(auditFanoutRoutes(ctx, deps.audit));
  r.use(eventFanoutRoutes(ctx, deps.events, { keepAliveMs: deps.eventsKeepAliveMs, maxStreams: deps.eventsMaxStreams }));
  r.use(unreachableAnswer);
  return r;
}
