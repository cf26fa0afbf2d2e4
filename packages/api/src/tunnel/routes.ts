import { SshKeyRequestSchema } from "@clawdspace/shared";
import { Router } from "express";
import { parse } from "../core/validate.js";
import { actorOf } from "../http/actor.js";
import { jsonBody } from "../http/jsonBody.js";
import { spaceName } from "../http/params.js";
import { markWake } from "../spaces/routes.js";
import type { SpaceViews } from "../spaces/views.js";
import type { TunnelService } from "./tunnelService.js";

export function tunnelRoutes(spaces: SpaceViews, tunnels: TunnelService, bodyLimit: number): Router {
  const r = Router();
  // The CLI installs the user's key and learns the host key in one call, so the first ssh asks nothing.
  r.post("/spaces/:name/ssh/keys", ...jsonBody(bodyLimit), async (req, res) => {
    const name = spaceName(req);
    const { publicKey } = parse(SshKeyRequestSchema, req.body, "request body");
    const { wake, ...answer } = await tunnels.installKey(name, publicKey, actorOf(req, res));
    markWake(res, wake);
    res.json(answer);
  });
  // For a client that cannot set a header on its WebSocket: a single-use ticket for one tunnel.
  r.post("/spaces/:name/tunnel/ticket", async (req, res) => {
    const name = spaceName(req);
    await spaces.get(name);
    const { ticket, expiresAt } = tunnels.tickets.issue(name, actorOf(req, res).actor ?? "anonymous");
    res.status(201).json({ ticket, expiresAt: new Date(expiresAt).toISOString(), path: `/api/spaces/${encodeURIComponent(name)}/tunnel?ticket=${ticket}` });
  });
  return r;
}
