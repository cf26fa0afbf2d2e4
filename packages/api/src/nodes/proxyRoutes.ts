import { SpaceNameSchema } from "@clawdspace/shared";
import { Router, type Request, type Response } from "express";
import { actorOf } from "../http/actor.js";
import { HttpError } from "../http/httpError.js";
import type { ClusterContext } from "./clusterContext.js";
import type { Owner } from "./clusterSpaces.js";
import { peerPath } from "./peerTransport.js";

/** The owner is unreachable: say which node and since when, rather than a 404 that reads as "gone". */
export function unreachable(name: string, owner: Extract<Owner, { kind: "unreachable" }>): HttpError {
  const since = owner.peer.since === null ? "" : ` since ${new Date(owner.peer.since).toISOString()}`;
  return new HttpError(503, "NODE_UNREACHABLE", `Space ${name} lives on node ${owner.peer.name}, which is unreachable${since}`, { node: owner.peer.name });
}

/**
 * Every route under /api/spaces/:name reaches the node that owns the space: a space here goes on to
 * the local routes; one elsewhere is relayed as a stream (REST, NDJSON, files, task and agent logs alike).
 */
export function proxyRoutes(ctx: ClusterContext): Router {
  const r = Router();
  r.use("/spaces/:name", async (req: Request<{ name: string }>, res: Response, next) => {
    const name = SpaceNameSchema.safeParse(req.params.name);
    // A bad name is the local route's 400 to give.
    if (!name.success) return next();
    const owner = await ctx.spaces.locate(name.data);
    if (!owner || owner.kind === "self") return next();
    if (owner.kind === "unreachable") throw unreachable(name.data, owner);
    await ctx.transport.forward(owner.peer, req, res, peerPath(req.originalUrl), actorOf(req, res));
    const gone = res.statusCode === 404 || (req.method === "DELETE" && req.path === "/" && res.statusCode === 200);
    if (gone) ctx.spaces.forget(name.data);
  });
  return r;
}
