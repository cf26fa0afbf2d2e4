import { useQuery } from "@tanstack/react-query";
import { spacesQuery } from "../../api/queries/spaces";
import { systemQuery } from "../../api/queries/system";
import { Meter } from "../../components/Meter";
import { ErrorBox, Loading } from "../../components/States";
import { engineFacts, hostMeters, uptime } from "./hostMeters";
import { NodesSection } from "./NodesSection";

const STATES = ["running", "paused", "sleeping", "hibernated", "stopped"] as const;

export function SystemPage() {
  const sys = useQuery(systemQuery());
  const spaces = useQuery(spacesQuery());
  const counts = new Map<string, number>();
  for (const s of spaces.data ?? []) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  return (
    <section>
      <h1>System</h1>
      {sys.isPending ? (
        <Loading what="host figures" />
      ) : sys.isError ? (
        <ErrorBox error={sys.error} retry={() => void sys.refetch()} />
      ) : (
        <div className="cards">
          <div className="card" aria-labelledby="host-h" role="group">
            <h2 id="host-h">Host {sys.data.hostname}</h2>
            <div className="meters">
              {hostMeters(sys.data).map((m) => (
                <Meter key={m.label} {...m} />
              ))}
            </div>
            <dl className="kv">
              <dt>Platform</dt>
              <dd>
                {sys.data.platform} {sys.data.arch}
              </dd>
              <dt>Up for</dt>
              <dd>{uptime(sys.data.uptime)}</dd>
              {sys.data.dataDir && (
                <>
                  <dt>Data folder</dt>
                  <dd className="mono">{sys.data.dataDir.path}</dd>
                </>
              )}
            </dl>
          </div>
          <div className="card">
            <h2>Spaces</h2>
            {spaces.isPending ? (
              <Loading what="spaces" />
            ) : spaces.isError ? (
              <ErrorBox error={spaces.error} />
            ) : (
              <dl className="totals" aria-label="Spaces by state">
                <div>
                  <dt>All</dt>
                  <dd data-testid="total-all">{spaces.data.length}</dd>
                </div>
                {STATES.map((s) => (
                  <div key={s}>
                    <dt>
                      <span className={`dot state-${s}`} aria-hidden="true" /> {s}
                    </dt>
                    <dd data-testid={`total-${s}`}>{counts.get(s) ?? 0}</dd>
                  </div>
                ))}
              </dl>
            )}
          </div>
          <div className="card">
            <h2>Docker engine</h2>
            <dl className="kv">
              {engineFacts(sys.data.docker).map(([k, v]) => (
                <div key={k} className="kv-row">
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
              {sys.data.capabilities.gpu && (
                <div className="kv-row">
                  <dt>GPU</dt>
                  <dd>{sys.data.capabilities.gpuName ?? "yes"}</dd>
                </div>
              )}
            </dl>
          </div>
        </div>
      )}
      <NodesSection />
    </section>
  );
}
