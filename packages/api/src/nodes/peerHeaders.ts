import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { ACTOR_HEADER, CLUSTER_HEADER, VIA_HEADER, type PeerCaller } from "./peerTransport.js";

/** Per-hop headers (RFC 9110 7.6.1) and the user's credentials: neither crosses to another node. */
const DROP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "authorization",
  "cookie",
  CLUSTER_HEADER,
  ACTOR_HEADER,
  VIA_HEADER,
]);

const ACTOR_RE = /^[A-Za-z0-9._:@-]{1,128}$/;

export interface ClusterIdentity {
  self: string;
  secret: string;
}

/** The request's own headers, minus what stays here, plus the cluster's: the secret, who asked, which node relayed. */
export function outgoingHeaders(incoming: IncomingHttpHeaders, id: ClusterIdentity, caller: PeerCaller): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(incoming)) if (v !== undefined && !DROP.has(k)) out[k] = v;
  return { ...out, ...clusterHeaders(id, caller) };
}

export function clusterHeaders(id: ClusterIdentity, caller: PeerCaller): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = { [CLUSTER_HEADER]: id.secret, [VIA_HEADER]: id.self };
  if (caller.actor && ACTOR_RE.test(caller.actor)) h[ACTOR_HEADER] = caller.actor;
  if (caller.requestId) h["x-request-id"] = caller.requestId;
  return h;
}

/** An answer's headers as they go back to the client: per-hop ones are ours to set. */
export function answerHeaders(incoming: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(incoming)) if (v !== undefined && !["connection", "keep-alive", "transfer-encoding", "te", "trailer"].includes(k)) out[k] = v;
  return out;
}

export function validActor(v: string | string[] | undefined): string | null {
  return typeof v === "string" && ACTOR_RE.test(v) ? v : null;
}
