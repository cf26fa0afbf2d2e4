import { AuditQuerySchema, type AuditEvent } from "@clawdspace/shared";
import { Router } from "express";
import type { AuditLog } from "../audit/auditLog.js";
import { InvalidInputError } from "../core/errors.js";
import { parse } from "../core/validate.js";
import { actorOf } from "../http/actor.js";
import type { ClusterContext } from "./clusterContext.js";
import { peerPath } from "./peerTransport.js";

/**
 * GET /api/audit over the nodes: `node=` is that node's log (its own cursors, relayed); without it,
 * each reachable node's newest `limit` events merged by time. Cursors are ids of one node's log, so
 * paging without `node=` stays on this node, as it always did.
 */
export function auditFanoutRoutes(ctx: ClusterContext, audit: AuditLog): Router {
  const r = Router();
  r.get("/audit", async (req, res, next) => {
    const q = parse(AuditQuerySchema, req.query, "query");
    const self = ctx.membership.self;
    if (q.node === self || (!q.node && (q.before !== undefined || q.after !== undefined))) return next();
    const caller = actorOf(req, res);
    const url = new URL(req.originalUrl, "http://x");
    url.searchParams.delete("node");
    const path = peerPath(`${url.pathname}${url.search}`);
    if (q.node) {
      const peer = ctx.membership.get(q.node);
      if (!peer) throw InvalidInputError.at("query", "node", `no node named ${q.node}`);
      return void (await ctx.transport.forward(peer, req, res, path, caller));
    }
    const { node: _omit, ...localQuery } = q;
    const mine: AuditEvent[] = audit.query(localQuery).map((e) => ({ ...e, node: self }));
    const unreachable: string[] = [];
    const theirs = await Promise.all(
      ctx.membership.peers().map(async (p) => {
        if (p.status === "offline") return unreachable.push(p.name), [];
        const a = await ctx.transport.call(p, { method: "GET", path, ...caller, timeoutMs: ctx.deadlineMs }).catch(() => null);
        if (!a || a.status !== 200) return unreachable.push(p.name), [];
        return ((a.body as { events?: AuditEvent[] }).events ?? []).map((e) => ({ ...e, node: p.name }));
      }),
    );
    const events = [...mine, ...theirs.flat()].sort((a, b) => a.ts.localeCompare(b.ts) || a.id - b.id).slice(-q.limit);
    res.json({ events, nextBefore: null, nextAfter: null, unreachable: unreachable.sort() });
  });
  return r;
}
