import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { spacesQuery } from "../../api/queries/spaces";
import { bytes, relative, sleepText } from "../../components/format";
import { Empty, ErrorBox, Loading, StateBadge } from "../../components/States";
import { Link, navigate } from "../../router";
import { allStatsQuery } from "../../api/queries/observe";
import { CreateSpaceForm } from "./CreateSpaceForm";
import { SpaceLoadFact } from "./SpaceLoadFact";
import { SpaceActions } from "./SpaceActions";
import { NodeFact, useNodeFilter } from "./NodeFilter";

export function SpacesPage() {
  const spaces = useQuery(spacesQuery());
  const anyAwake = spaces.data?.some((s) => s.state === "running") ?? false;
  const load = useQuery({ ...allStatsQuery(), enabled: anyAwake });
  const loadOf = new Map((load.data?.stats ?? []).map((l) => [l.name, l]));
  const [creating, setCreating] = useState(false);
  const byNode = useNodeFilter(spaces.data);
  return (
    <section>
      <div className="page-head">
        <h1>Spaces</h1>
        {byNode.control}
        <button type="button" className="primary" onClick={() => setCreating((c) => !c)} aria-expanded={creating}>
          {creating ? "Close" : "New space"}
        </button>
      </div>
      {creating && (
        <CreateSpaceForm
          onDone={(name) => {
            setCreating(false);
            navigate(`/spaces/${encodeURIComponent(name)}`);
          }}
        />
      )}
      {spaces.isPending ? (
        <Loading what="spaces" />
      ) : spaces.isError ? (
        <ErrorBox error={spaces.error} retry={() => void spaces.refetch()} />
      ) : spaces.data.length === 0 ? (
        <Empty>No spaces yet. Create one with “New space”.</Empty>
      ) : (
        <ul className="space-list" aria-label="Spaces">
          {byNode.shown.map((s) => (
            <li key={`${s.node}/${s.name}`} className="card space-row" data-space={s.name} data-state={s.state}>
              <div className="space-main">
                <Link href={`/spaces/${encodeURIComponent(s.name)}`} className="space-name">
                  {s.name}
                </Link>
                <StateBadge state={s.state} />
              </div>
              <dl className="facts">
                {byNode.several && <NodeFact space={s} />}
                <div>
                  <dt>Resources</dt>
                  <dd>
                    {bytes(s.memory)} · {s.cpus} CPU
                  </dd>
                </div>
                <div>
                  <dt>Last activity</dt>
                  <dd>
                    {relative(s.activity?.lastAt)}
                    {s.activity?.lastSource ? ` · ${s.activity.lastSource}` : ""}
                  </dd>
                </div>
                <div>
                  <dt>Sleep</dt>
                  <dd>{sleepText(s)}</dd>
                </div>
                {s.state === "running" && (
                  <div className="load-fact">
                    <dt>Load now</dt>
                    <SpaceLoadFact load={loadOf.get(s.name)} stepMs={load.data?.trendStepMs ?? 10_000} />
                  </div>
                )}
              </dl>
              <SpaceActions space={s} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
