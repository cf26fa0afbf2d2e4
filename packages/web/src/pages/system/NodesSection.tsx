import { useQuery } from "@tanstack/react-query";
import type { NodeList } from "@clawdspace/shared";
import { nodesQuery } from "../../api/queries/system";
import { bytes, relative } from "../../components/format";
import { ErrorBox, Loading } from "../../components/States";

type Node = NodeList["nodes"][number];

function capacity(n: Node): string {
  const c = n.capabilities;
  if (!c) return "–";
  return `${c.cpus} CPU · ${bytes(c.memory)}${c.gpu ? " · GPU" : ""}`;
}

function given(n: Node): string {
  if (!n.allocated || !n.capabilities) return "–";
  const mem = n.capabilities.memory ? Math.round((n.allocated.memory / n.capabilities.memory) * 100) : 0;
  return `${bytes(n.allocated.memory)} (${mem}%) · ${n.allocated.cpus} CPU`;
}

/** Every node of this Clawdspace: health (since when, and why not), latency, capacity and its spaces. */
export function NodesSection() {
  const nodes = useQuery(nodesQuery());
  return (
    <section aria-labelledby="nodes-h">
      <h2 id="nodes-h">Nodes</h2>
      {nodes.isPending ? (
        <Loading what="nodes" />
      ) : nodes.isError ? (
        <ErrorBox error={nodes.error} retry={() => void nodes.refetch()} />
      ) : (
        <div className="table-box">
          <table className="file-table nodes-table" aria-label="Nodes">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th className="num">Latency</th>
                <th>Capacity</th>
                <th className="num">Spaces</th>
                <th>Given to spaces</th>
              </tr>
            </thead>
            <tbody>
              {nodes.data.nodes.map((n) => (
                <tr key={n.name} data-node={n.name} data-status={n.status}>
                  <td>
                    {n.name}
                    {n.self ? <span className="muted small"> (this node)</span> : null}
                  </td>
                  <td>
                    <span className={`badge state-${n.status === "online" ? "running" : "unreachable"}`}>{n.status}</span>
                    {n.status === "offline" && n.since ? <span className="muted small"> since {relative(n.since)}</span> : null}
                    {n.error ? <div className="muted small" title={n.error}>{n.error}</div> : null}
                  </td>
                  <td className="num">{n.latencyMs === null ? "–" : `${n.latencyMs} ms`}</td>
                  <td>{capacity(n)}</td>
                  <td className="num">{n.spaces ?? "–"}</td>
                  <td>{given(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
