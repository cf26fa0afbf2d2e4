import { Router } from "express";
import type { NodeList } from "@clawdspace/shared";
import type { SystemService } from "../system/systemService.js";
import type { ClusterContext } from "./clusterContext.js";

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** GET /api/nodes: this node and every peer with its health; GET /api/cluster/self: what peers check. */
export function nodeRoutes(ctx: ClusterContext, system: SystemService, startedAt: number): Router {
  const r = Router();

  r.get("/cluster/self", async (_req, res) => {
    res.json(await ctx.selfReport());
  });

  r.get("/nodes", async (req, res) => {
    const [local, report] = await Promise.all([system.nodes(`${req.protocol}://${req.get("host") ?? "localhost"}`), ctx.selfReport().catch(() => null)]);
    const self = local.nodes[0]!;
    const nodes: NodeList["nodes"] = [
      { ...self, self: true, since: iso(startedAt), lastSeenAt: iso(Date.now()), ...(report ? { spaces: report.spaces, allocated: report.allocated } : {}) },
      ...ctx.membership.peers().map((p) => ({
        name: p.name,
        url: p.url,
        status: p.status,
        latencyMs: p.latencyMs,
        ...(p.report ? { capabilities: p.report.capabilities, spaces: p.report.spaces, allocated: p.report.allocated } : {}),
        self: false,
        since: iso(p.since),
        lastSeenAt: iso(p.lastSeenAt),
        ...(p.error ? { error: p.error } : {}),
      })),
    ];
    res.json({ nodes, lastUpdatedAt: new Date().toISOString() } satisfies NodeList);
  });

  return r;
}
