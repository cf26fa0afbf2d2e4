import type { Request, Response } from "express";
import type { Actor } from "../core/actor.js";

/** Who is asking (the key's name) and the request id, for audit events. */
export function actorOf(req: Request, res: Response): Actor {
  return { actor: typeof res.locals.actor === "string" ? res.locals.actor : undefined, requestId: String(req.id ?? "") || undefined };
}
