import { Router } from "express";
import { HttpError } from "../http/httpError.js";

/** Without a cluster secret this node is no peer: its node-to-node route says so rather than "no route". */
export function standaloneRoutes(): Router {
  const r = Router();
  r.get("/cluster/self", () => {
    throw new HttpError(404, "NOT_FOUND", "This node is not joined to others (set CLAWDSPACE_CLUSTER_SECRET_FILE and CLAWDSPACE_NODES; docs/NODES.md)");
  });
  return r;
}
