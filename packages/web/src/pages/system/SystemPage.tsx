import { useQuery } from "@tanstack/react-query";
import { nodesQuery, systemQuery } from "../../api/queries/system";
import { ErrorBox, Loading } from "../../components/States";

function show(v: unknown): string {
  if (v === null || v === undefined) return "–";
  if (Array.isArray(v)) return v.map((x) => (typeof x === "number" ? x.toFixed(2) : String(x))).join(" ");
  if (typeof v === "object") return Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x !== "object").map(([k, x]) => `${k} ${String(x)}`).join(" · ");
  return String(v);
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : `${m} min`;
}

export function SystemPage() {
  const sys = useQuery(systemQuery());
  const nodes = useQuery(nodesQuery());
  return (
    <section>
      <h1>System</h1>
      {sys.isPending ? (
        <Loading what="host figures" />
      ) : sys.isError ? (
        <ErrorBox error={sys.error} retry={() => void sys.refetch()} />
      ) : (
        <div className="cards">
          <div className="card">
            <h2>Host</h2>
            <dl className="kv">
              <dt>Name</dt>
              <dd>{sys.data.hostname}</dd>
              <dt>Platform</dt>
              <dd>
                {sys.data.platform} {sys.data.arch}
              </dd>
              <dt>CPUs</dt>
              <dd>{sys.data.cpus}</dd>
              <dt>Load</dt>
              <dd>{show(sys.data.loadAverage)}</dd>
              <dt>Memory</dt>
              <dd>{show(sys.data.memory)}</dd>
              <dt>Disk</dt>
              <dd>{show(sys.data.disk)}</dd>
              <dt>Uptime</dt>
              <dd>{typeof sys.data.uptime === "number" ? duration(sys.data.uptime) : show(sys.data.uptime)}</dd>
            </dl>
          </div>
          <div className="card">
            <h2>Docker</h2>
            <dl className="kv">
              {Object.entries(sys.data.docker ?? {})
                .filter(([, v]) => typeof v !== "object" || Array.isArray(v))
                .map(([k, v]) => (
                  <div key={k} className="kv-row">
                    <dt>{k}</dt>
                    <dd>{show(v)}</dd>
                  </div>
                ))}
            </dl>
          </div>
        </div>
      )}
      <h2>Nodes</h2>
      {nodes.isPending ? (
        <Loading what="nodes" />
      ) : nodes.isError ? (
        <ErrorBox error={nodes.error} />
      ) : (
        <table className="file-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th className="num">Latency</th>
            </tr>
          </thead>
          <tbody>
            {nodes.data.nodes.map((n) => (
              <tr key={n.name}>
                <td>{n.name}</td>
                <td>
                  <span className={`badge state-${n.status === "online" ? "running" : "stopped"}`}>{n.status}</span>
                </td>
                <td className="num">{n.latencyMs === null ? "–" : `${n.latencyMs} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
