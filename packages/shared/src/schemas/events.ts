import { z } from "zod";
import { SPACE_STATES } from "./space.js";

/** One `event: space` of GET /api/events: what a space became, and why. */
export const SpaceChangeEventSchema = z.object({
  space: z.string(),
  /** The contract's `state`, plus `destroyed`. */
  state: z.enum([...SPACE_STATES, "destroyed"]),
  /** "create", "user", "idle", "wake:<cause>", "restore", ... */
  cause: z.string(),
  at: z.string().describe("ISO 8601"),
  /** ours: the node the space lives on (in a stream merged from several nodes). */
  node: z.string().optional(),
});
export type SpaceChangeEvent = z.infer<typeof SpaceChangeEventSchema>;
