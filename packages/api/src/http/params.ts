import { SpaceNameSchema } from "@clawdspace/shared";
import type { Request } from "express";
import { parse } from "../core/validate.js";

/** The :name path parameter, validated like a create's name. */
export function spaceName(req: Request): string {
  return parse(SpaceNameSchema, req.params.name, "space name");
}
