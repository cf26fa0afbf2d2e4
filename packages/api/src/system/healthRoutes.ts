import { Router } from "express";

export function healthRoutes(version: string): Router {
  const r = Router();
  r.get("/health", (_req, res) => {
    res.json({ status: "ok", version });
  });
  return r;
}
