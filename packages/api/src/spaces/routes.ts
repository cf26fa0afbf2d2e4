import { CreateSpaceRequestSchema, DeleteSpaceQuerySchema, type WakeTier } from "@clawdspace/shared";
import { Router, type Response } from "express";
import { jsonBody } from "../http/jsonBody.js";
import { spaceName } from "../http/params.js";
import { parse } from "../core/validate.js";
import type { Spaces } from "./spaces.js";
import { actorOf } from "../http/actor.js";

export const WAKE_HEADER = "X-Clawdspace-Wake";

export function markWake(res: Response, wake: WakeTier | undefined): void {
  if (wake) res.setHeader(WAKE_HEADER, wake);
}

export function spaceRoutes(spaces: Spaces, bodyLimit: number): Router {
  const r = Router();
  const json = jsonBody(bodyLimit);

  r.get("/spaces", async (_req, res) => {
    res.json({ spaces: await spaces.views.list() });
  });

  r.post("/spaces", ...json, async (req, res) => {
    const input = parse(CreateSpaceRequestSchema, req.body, "request body");
    const space = await spaces.creation.create(input, actorOf(req, res));
    res.status(201).json({ space });
  });

  r.get("/spaces/:name", async (req, res) => {
    res.json({ space: await spaces.views.get(spaceName(req)) });
  });

  r.delete("/spaces/:name", async (req, res) => {
    const name = spaceName(req);
    const { removeVolume } = parse(DeleteSpaceQuerySchema, req.query, "query");
    res.json({ message: await spaces.lifecycle.remove(name, removeVolume, actorOf(req, res)) });
  });

  r.post("/spaces/:name/stop", async (req, res) => {
    res.json({ message: await spaces.lifecycle.pause(spaceName(req), actorOf(req, res)) });
  });

  r.post("/spaces/:name/start", async (req, res) => {
    const answer = await spaces.lifecycle.start(spaceName(req), actorOf(req, res));
    markWake(res, answer.wake);
    res.json(answer);
  });

  r.get("/spaces/:name/stats", async (req, res) => {
    res.json({ stats: await spaces.views.stats(spaceName(req)) });
  });

  return r;
}
