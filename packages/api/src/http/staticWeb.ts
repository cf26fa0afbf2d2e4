import { existsSync, readdirSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import express, { type RequestHandler, type Response, Router } from "express";

type Encoding = "br" | "gzip";
const SUFFIX: Record<Encoding, string> = { br: ".br", gzip: ".gz" };

/** Vite names assets by content hash: they never change; index.html must be revalidated. */
function cacheControl(res: Response, urlPath: string): void {
  res.setHeader("Cache-Control", urlPath.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
}

/**
 * The files the build compressed ahead of time (scripts/compress.mjs writes x.js.br and x.js.gz
 * beside x.js), by URL path. Read once at start, so a request never stats the disk to find out
 * and only paths of the build can match (no path from the request is joined blindly).
 */
function precompressed(dir: string): Map<string, Set<Encoding>> {
  const out = new Map<string, Set<Encoding>>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      for (const enc of Object.keys(SUFFIX) as Encoding[]) {
        if (!e.isFile() || !e.name.endsWith(SUFFIX[enc])) continue;
        const url = `/${relative(dir, full.slice(0, -SUFFIX[enc].length)).split(sep).join("/")}`;
        if (!existsSync(full.slice(0, -SUFFIX[enc].length))) continue;
        out.set(url, (out.get(url) ?? new Set()).add(enc));
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * Serves the built dashboard at / with a single-page-app fallback: any GET outside /api and
 * /metrics that wants HTML gets index.html. A missing folder (the dashboard not built) serves
 * nothing, so the API works on its own. A file the build precompressed is sent as brotli or
 * gzip when the browser accepts it (brotli first: smaller), else as it is.
 */
export function staticWeb(dir: string | undefined): RequestHandler | undefined {
  if (!dir || !existsSync(join(dir, "index.html"))) return undefined;
  const variants = precompressed(dir);
  const r = Router();
  r.use((req, res, next) => {
    const have = req.method === "GET" || req.method === "HEAD" ? variants.get(req.path) : undefined;
    if (!have) return next();
    // Caches must keep the encodings apart even when this answer is the identity one.
    res.setHeader("Vary", "Accept-Encoding");
    const enc = (["br", "gzip"] as const).find((e) => have.has(e) && req.acceptsEncodings(e) === e);
    if (!enc) return next();
    res.setHeader("Content-Encoding", enc);
    res.type(extname(req.path));
    cacheControl(res, req.path);
    res.sendFile(join(dir, req.path + SUFFIX[enc]), (err) => err && next(err));
  });
  r.use(express.static(dir, { index: false, setHeaders: (res, path) => cacheControl(res, path.split(sep).join("/")) }));
  r.get(/.*/, (req, res, next) => {
    if (req.path.startsWith("/api/") || req.path === "/api" || req.path === "/metrics") return next();
    if (!req.accepts("html")) return next();
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(join(dir, "index.html"));
  });
  return r;
}
