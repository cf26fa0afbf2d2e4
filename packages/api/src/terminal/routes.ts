import { Router } from "express";
import { spaceName } from "../http/params.js";
import type { SpaceViews } from "../spaces/views.js";
import type { TerminalService } from "./terminalService.js";
import { actorOf } from "../http/actor.js";

export function terminalRoutes(spaces: SpaceViews, terminals: TerminalService): Router {
  const r = Router();
  // A browser trades its key (in a header) for a ticket it may put in the WebSocket URL.
  r.post("/spaces/:name/terminal/ticket", async (req, res) => {
    const name = spaceName(req);
    await spaces.get(name);
    const { ticket, expiresAt } = terminals.tickets.issue(name, actorOf(req, res).actor ?? "anonymous");
    res.status(201).json({
      ticket,
      expiresAt: new Date(expiresAt).toISOString(),
      path: `/api/spaces/${encodeURIComponent(name)}/terminal?ticket=${ticket}`,
    });
  });
  r.get("/spaces/:name/terminals", async (req, res) => {
    const name = spaceName(req);
    await spaces.get(name);
    res.json({ terminals: terminals.list(name) });
  });
  return r;
}
