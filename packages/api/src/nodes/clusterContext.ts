import type { Logger } from "pino";
import type { ClusterSpaces } from "./clusterSpaces.js";
import type { Membership } from "./membership.js";
import type { NodeReport } from "./nodeReport.js";
import type { PeerTransport } from "./peerTransport.js";

/** What the cluster's routes share: who we are, who the others are, how to reach them. */
export interface ClusterContext {
  membership: Membership;
  spaces: ClusterSpaces;
  transport: PeerTransport;
  /** This node's own report (what peers read at GET /api/cluster/self). */
  selfReport(): Promise<NodeReport>;
  deadlineMs: number;
  log: Logger;
}

/** A create may clone a repository: the owner gets as long as the entry's own create would take. */
export const CREATE_TIMEOUT_MS = 15 * 60_000;
