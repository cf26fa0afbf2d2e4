import { Router } from "express";
import { spaceName } from "../http/params.js";
import type { ObservabilityService } from "./observability.js";

/** Cheap to poll: not audited, not activity, never wakes a space. */
export function observabilityRoutes(observability: ObservabilityService): Router {
  const r = Router();
  r.get("/spaces/:name/observability", async (req, res) => {
    res.json(await observability.observe(spaceName(req)));
  });
  return r;
}
