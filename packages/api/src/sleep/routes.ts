import { Router } from "express";
import { z } from "zod";
import { jsonBody } from "../http/jsonBody.js";
import { spaceName } from "../http/params.js";
import { parse } from "../core/validate.js";
import type { SleepService } from "./sleepService.js";
import { actorOf } from "../http/actor.js";
import { markWake } from "../spaces/routes.js";

const KeepaliveSchema = z.strictObject({
  ttlMs: z
    .number({ error: "ttlMs must be a number of milliseconds" })
    .int({ error: "ttlMs must be a whole number" })
    .min(0, { error: "ttlMs must be 0 (release) or more" }),
});

export function sleepRoutes(sleep: SleepService, opts: { bodyLimit: number; keepaliveMaxMs: number }): Router {
  const r = Router();
  r.post("/spaces/:name/keepalive", ...jsonBody(opts.bodyLimit), async (req, res) => {
    const name = spaceName(req);
    const { ttlMs } = parse(KeepaliveSchema, req.body, "request body");
    const answer = await sleep.keepalive(name, ttlMs, opts.keepaliveMaxMs, actorOf(req, res));
    markWake(res, answer.wake);
    res.json(answer);
  });
  r.get("/spaces/:name/sleep", async (req, res) => {
    res.json(await sleep.explain(spaceName(req)));
  });
  return r;
}
