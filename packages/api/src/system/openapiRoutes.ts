import { Router } from "express";
import { buildOpenApi } from "./openapiSpec.js";

export function openapiRoutes(version: string): Router {
  const r = Router();
  let doc: Record<string, unknown> | undefined;
  r.get("/openapi.json", (_req, res) => {
    doc ??= buildOpenApi(version);
    res.json(doc);
  });
  return r;
}
