import type { NodeReport } from "./nodeReport.js";

export interface PlacementCandidate {
  name: string;
  report: Pick<NodeReport, "capabilities" | "allocated">;
}

export interface PlacementNeed {
  memory: number;
  cpus: number;
  gpu: boolean;
}

export type Placement = { node: string } | { node: null; reason: string };

/** What is left after what its spaces were given, as a share of the node (0..1 each for memory and CPUs). */
export function headroom(c: PlacementCandidate, need: PlacementNeed): number {
  const { capabilities: cap, allocated } = c.report;
  const mem = cap.memory > 0 ? (cap.memory - allocated.memory - need.memory) / cap.memory : 0;
  const cpu = cap.cpus > 0 ? (cap.cpus - allocated.cpus - need.cpus) / cap.cpus : 0;
  return mem + cpu;
}

/**
 * The node that can give the space what it asks (memory and CPUs at most the node's, a GPU runtime if
 * asked: what the node's own create would check) with the most headroom; ties go to the first given
 * (the entry node comes first, so it keeps what it can hold without a hop).
 */
export function choosePlacement(candidates: PlacementCandidate[], need: PlacementNeed): Placement {
  const fits = candidates.filter((c) => c.report.capabilities.memory >= need.memory && c.report.capabilities.cpus >= need.cpus && (!need.gpu || c.report.capabilities.gpu));
  if (fits.length === 0) {
    const what = need.gpu ? "a GPU" : `${need.memory} bytes of memory and ${need.cpus} CPUs`;
    return { node: null, reason: `no reachable node can give ${what}` };
  }
  let best = fits[0]!;
  for (const c of fits.slice(1)) if (headroom(c, need) > headroom(best, need) + 1e-9) best = c;
  return { node: best.name };
}
