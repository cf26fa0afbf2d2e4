import { AuditExportQuerySchema, AuditQuerySchema } from "@clawdspace/shared";
import { Router } from "express";
import { parse } from "../core/validate.js";
import type { AuditLog } from "./auditLog.js";
import { AUDIT_EVENT_TYPES } from "./eventTypes.js";
import { writeWithBackpressure } from "../http/streaming.js";

export function auditRoutes(audit: AuditLog): Router {
  const r = Router();

  r.get("/audit", (req, res) => {
    const q = parse(AuditQuerySchema, req.query, "query");
    const events = audit.query(q);
    const full = events.length === q.limit;
    res.json({
      events,
      nextBefore: full ? events[0]!.id : null,
      nextAfter: events.length ? events[events.length - 1]!.id : (q.after ?? null),
    });
  });

  r.get("/audit/types", (_req, res) => {
    res.json({ types: [...new Set<string>([...AUDIT_EVENT_TYPES, ...audit.types()])].sort() });
  });

  r.get("/audit/export", async (req, res) => {
    const q = parse(AuditExportQuerySchema, req.query, "query");
    res.status(200).setHeader("Content-Type", "application/x-ndjson; charset=utf-8");
    res.setHeader("Content-Disposition", 'attachment; filename="clawdspace-audit.jsonl"');
    res.setHeader("Cache-Control", "no-store");
    for (const e of audit.iterate(q)) {
      await writeWithBackpressure(res, `${JSON.stringify(e)}\n`);
      if (res.destroyed) return;
    }
    res.end();
  });

  return r;
}
