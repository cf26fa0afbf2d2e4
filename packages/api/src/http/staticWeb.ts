import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { type RequestHandler, Router } from "express";

/**
 * Serves the built dashboard at / with a single-page-app fallback: any GET outside /api and
 * /metrics that wants HTML gets index.html. A missing folder (the dashboard not built) serves
 * nothing, so the API works on its own.
 */
export function staticWeb(dir: string | undefined): RequestHandler | undefined {
  if (!dir || !existsSync(join(dir, "index.html"))) return undefined;
  const r = Router();
  r.use(
    express.static(dir, {
      index: false,
      setHeaders(res, path) {
        // Vite names assets by content hash: they never change; index.html must be revalidated.
        res.setHeader("Cache-Control", path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
      },
    }),
  );
  r.get(/.*/, (req, res, next) => {
    if (req.path.startsWith("/api/") || req.path === "/api" || req.path === "/metrics") return next();
    if (!req.accepts("html")) return next();
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(join(dir, "index.html"));
  });
  return r;
}
