import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { SpaceNameSchema } from "@clawdspace/shared";
import type { Authenticator } from "../http/auth.js";
import { fromPeer } from "./clusterAuth.js";
import type { ClusterContext } from "./clusterContext.js";
import { unreachable } from "./proxyRoutes.js";
import { peerPath } from "./peerTransport.js";

/** Relays an upgrade to the owner and says so (true), or leaves it to the local handler (false). */
export type UpgradeForward = (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<boolean>;

const SPACE_PATH = /^\/api\/spaces\/([^/]+)\/[^?]*$/;

/**
 * Any upgrade under /api/spaces/:name/ (the terminal, and whatever WebSocket a space route adds) reaches
 * the owner. The entry authenticates the key itself and names the actor; a caller with only a ticket is
 * relayed without one, so the owner, which issued the ticket, is the one to redeem it.
 */
export function upgradeForward(ctx: ClusterContext, auth: Authenticator): UpgradeForward {
  return async (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://x");
    const m = SPACE_PATH.exec(url.pathname);
    if (!m || fromPeer(req)) return false;
    const actor = auth.identify(req);
    if (!actor && !url.searchParams.get("ticket")) return false;
    let raw: string;
    try {
      raw = decodeURIComponent(m[1]!);
    } catch {
      return false;
    }
    const name = SpaceNameSchema.safeParse(raw);
    if (!name.success) return false;
    const owner = await ctx.spaces.locate(name.data);
    if (!owner || owner.kind === "self") return false;
    if (owner.kind === "unreachable") throw unreachable(name.data, owner);
    const requestId = typeof req.headers["x-request-id"] === "string" ? req.headers["x-request-id"] : undefined;
    ctx.transport.upgrade(owner.peer, req, socket, head, peerPath(req.url ?? "/"), { actor: actor ?? undefined, requestId });
    return true;
  };
}
