import type { Template, TunnelQuery } from "@clawdspace/shared";
import { LABEL } from "../engine/naming.js";

/**
 * What a template closes, recorded on the container at create (a later edit of the template does not
 * reopen or close a running space). No label means open: spaces made before tunnels existed keep working.
 */
export function tunnelLabels(t: Template["tunnel"]): Record<string, string> {
  const labels: Record<string, string> = {};
  if (t.ssh === false) labels[LABEL.tunnelSsh] = "false";
  if (Array.isArray(t.ports)) labels[LABEL.tunnelPorts] = t.ports.length ? [...new Set(t.ports)].sort((a, b) => a - b).join(",") : "none";
  return labels;
}

/** Why the space's labels close this tunnel, or null when it may open. */
export function tunnelRefusal(labels: Record<string, string>, q: TunnelQuery): string | null {
  if (q.target === "ssh") {
    return labels[LABEL.tunnelSsh] === "false" ? "this space's template closes SSH (tunnel.ssh: false)" : null;
  }
  const ports = labels[LABEL.tunnelPorts];
  if (ports === undefined || ports === "all") return null;
  const open = ports === "none" ? [] : ports.split(",").map(Number);
  if (open.includes(q.port)) return null;
  return open.length
    ? `this space's template closes port ${q.port} (tunnel.ports: ${open.join(", ")})`
    : "this space's template closes every port (tunnel.ports: [])";
}
