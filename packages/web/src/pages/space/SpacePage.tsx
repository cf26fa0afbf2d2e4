import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { spaceQuery } from "../../api/queries/spaces";
import { bytes, relative, sleepText } from "../../components/format";
import { ErrorBox, Loading, StateBadge } from "../../components/States";
import { Link, navigate } from "../../router";
import { AuditList } from "../audit/AuditPage";
import { SpaceActions } from "../spaces/SpaceActions";

// xterm and the charts are most of the weight: loaded when a space's page needs them.
const TerminalPanel = lazy(() => import("./TerminalPanel"));
const StatsPanel = lazy(() => import("./StatsPanel"));
const TasksPanel = lazy(() => import("./tasks/TasksPanel"));
const AgentPanel = lazy(() => import("./agent/AgentPanel"));
const FilesPanel = lazy(() => import("./files/FilesPanel").then((m) => ({ default: m.FilesPanel })));

const TABS = ["terminal", "agent", "tasks", "files", "stats", "audit"] as const;
type Tab = (typeof TABS)[number];

export function SpacePage({ name }: { name: string }) {
  const space = useQuery({ ...spaceQuery(name), refetchInterval: 15_000 });
  const [tab, setTab] = useState<Tab>(() => (TABS.find((t) => t === new URL(location.href).searchParams.get("tab")) ?? "terminal"));
  const choose = (t: Tab) => {
    setTab(t);
    const u = new URL(location.href);
    u.searchParams.set("tab", t);
    history.replaceState(null, "", u);
  };
  // Attaching a terminal wakes a sleeping space: never do that just because its page was opened.
  const [termOpened, setTermOpened] = useState(false);
  const runningNow = space.data?.state === "running";
  if (runningNow && tab === "terminal" && !termOpened) setTermOpened(true);
  if (space.isPending) return <Loading what={name} />;
  if (space.isError)
    return (
      <section>
        <Link href="/">← Spaces</Link>
        <ErrorBox error={space.error} retry={() => void space.refetch()} />
      </section>
    );
  const s = space.data;
  return (
    <section className="space-page">
      <div className="page-head">
        <div>
          <Link href="/" className="muted small">
            ← Spaces
          </Link>
          <h1>
            {s.name} <StateBadge state={s.state} />
          </h1>
          <p className="muted small">
            {bytes(s.memory)} · {s.cpus} CPU · {s.image} · last activity {relative(s.activity?.lastAt)}
            {s.activity?.lastSource ? ` (${s.activity.lastSource})` : ""} · {sleepText(s)}
          </p>
        </div>
        <SpaceActions space={s} onDestroyed={() => navigate("/")} />
      </div>
      <div className="tabs" role="tablist" aria-label="Space views">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" id={`tab-${t}`} aria-selected={tab === t} aria-controls={`panel-${t}`} onClick={() => choose(t)}>
            {t[0]!.toUpperCase() + t.slice(1)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="panel">
        <Suspense fallback={<Loading what={tab} />}>
          {tab === "terminal" &&
            (termOpened ? (
              <TerminalPanel space={s.name} state={s.state} />
            ) : (
              <div className="empty">
                <p>The space is {s.state}. Opening a terminal wakes it.</p>
                <button type="button" className="primary" onClick={() => setTermOpened(true)}>
                  Open a terminal
                </button>
              </div>
            ))}
          {tab === "agent" && <AgentPanel space={s.name} />}
          {tab === "tasks" && <TasksPanel space={s.name} />}
          {tab === "files" && <FilesPanel space={s.name} />}
          {tab === "stats" && <StatsPanel space={s.name} running={s.state === "running"} />}
          {tab === "audit" && <AuditList filter={{ space: s.name }} />}
        </Suspense>
      </div>
    </section>
  );
}
