import { Router } from "express";
import { requireAuth, type Authenticator } from "../http/auth.js";
import type { Metrics } from "./metrics.js";

/** GET /metrics in the Prometheus text format; needs the key like every route but health. */
export function metricsRoutes(metrics: Metrics, auth: Authenticator): Router {
  const r = Router();
  r.get("/metrics", requireAuth(auth), async (_req, res) => {
    const text = await metrics.text();
    res.setHeader("Content-Type", metrics.contentType);
    res.setHeader("Cache-Control", "no-store");
    res.end(text);
  });
  return r;
}
