import { Router } from "express";
import type { SystemService } from "./systemService.js";

export function systemRoutes(system: SystemService): Router {
  const r = Router();
  r.get("/system", async (_req, res) => {
    res.json(await system.info());
  });
  r.get("/system/capabilities", async (_req, res) => {
    res.json(await system.capabilities());
  });
  r.get("/nodes", async (req, res) => {
    res.json(await system.nodes(`${req.protocol}://${req.get("host") ?? "localhost"}`));
  });
  return r;
}
