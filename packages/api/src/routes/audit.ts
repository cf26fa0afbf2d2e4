import { Router } from "express";
import { z } from "zod";
import { parse } from "../http/validate.js";
import type { AuditLog } from "../store/auditLog.js";

const AuditQuerySchema = z.object({
  space: z.string().max(128).optional(),
  type: z.string().max(128).optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(10_000, { error: "limit must be at most 10000" })
    .default(100),
});

export function auditRoutes(audit: AuditLog): Router {
  const r = Router();
  r.get("/audit", (req, res) => {
    const q = parse(AuditQuerySchema, req.query, "query");
    res.json({ events: audit.query(q) });
  });
  return r;
}
