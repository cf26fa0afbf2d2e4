import { Router } from "express";
import type { LoadService } from "./loadService.js";

export function statsRoutes(load: LoadService): Router {
  const r = Router();
  r.get("/stats", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json(await load.all());
  });
  return r;
}
