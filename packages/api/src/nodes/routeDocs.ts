import type { RouteDoc } from "../system/openapiSpec.js";
import { NodeReportSchema } from "./nodeReport.js";

/** The node-to-node routes, for the OpenAPI document (GET /api/nodes is the system's). */
export const NODE_ROUTES: RouteDoc[] = [
  {
    method: "get",
    path: "/api/cluster/self",
    summary: "What this node tells its peers: name, version, capabilities, spaces and what they were given (the health check; 404 on a node that is not joined)",
    response: NodeReportSchema,
  },
];
