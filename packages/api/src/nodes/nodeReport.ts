import { z } from "zod";
import { CapabilitiesSchema, type Space } from "@clawdspace/shared";

export const SERVICE = "clawdspace";

/** What a node says of itself to its peers (GET /api/cluster/self): who it is, and what placement needs. */
export const NodeReportSchema = z.object({
  service: z.literal(SERVICE),
  name: z.string(),
  version: z.string(),
  capabilities: CapabilitiesSchema,
  spaces: z.number(),
  allocated: z.object({ memory: z.number(), cpus: z.number() }),
});
export type NodeReport = z.infer<typeof NodeReportSchema>;

/** What a node's spaces were given: every space counts, since a sleeping one wakes with its limits. */
export function allocation(spaces: Pick<Space, "memory" | "cpus">[]): NodeReport["allocated"] {
  return spaces.reduce((a, s) => ({ memory: a.memory + (s.memory || 0), cpus: a.cpus + (s.cpus || 0) }), { memory: 0, cpus: 0 });
}
