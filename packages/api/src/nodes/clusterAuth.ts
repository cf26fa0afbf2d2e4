import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";
import type { Authenticator } from "../http/auth.js";
import { redactUrl } from "../http/logger.js";
import { validActor } from "./peerHeaders.js";
import { ACTOR_HEADER, CLUSTER_HEADER, VIA_HEADER } from "./peerTransport.js";

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Whether the request carries this cluster's secret (compared in constant time). */
export function hasClusterSecret(req: IncomingMessage, secretDigest: Buffer): boolean {
  const presented = req.headers[CLUSTER_HEADER];
  return typeof presented === "string" && timingSafeEqual(digest(presented), secretDigest);
}

/**
 * A request from another node proves itself with the cluster secret and names who asked there; the
 * user's key never travels. A secret that is present but wrong is refused (and logged), whatever else
 * the request carries. Without a named actor (a terminal opened with a ticket) the owner checks the ticket itself.
 */
export function clusterAuthenticator(inner: Authenticator, secret: string, log: Logger): Authenticator {
  const secretDigest = digest(secret);
  return {
    identify(req) {
      if (req.headers[CLUSTER_HEADER] === undefined) return inner.identify(req);
      if (!hasClusterSecret(req, secretDigest)) {
        log.warn({ url: redactUrl(req.url), via: String(req.headers[VIA_HEADER] ?? "") }, "node-to-node request with a wrong cluster secret refused");
        return null;
      }
      return validActor(req.headers[ACTOR_HEADER]);
    },
  };
}

/** A request relayed by a peer is served here and never relayed again (no loops, no fan-out of a fan-out). */
export function fromPeer(req: IncomingMessage): boolean {
  return req.headers[CLUSTER_HEADER] !== undefined;
}
