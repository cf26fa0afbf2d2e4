import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState } from "react";
import { keyStore, onUnauthorized } from "./api/client";
import { useSpaceEvents } from "./api/events";
import { AuditPage } from "./pages/audit/AuditPage";
import { SignIn } from "./pages/signin/SignIn";
import { SpacePage } from "./pages/space/SpacePage";
import { SpacesPage } from "./pages/spaces/SpacesPage";
import { Loading } from "./components/States";
import { Link, useLocation } from "./router";

// Not on the first page's critical path: loaded when someone opens it.
const TasksPage = lazy(() => import("./pages/tasks/TasksPage"));
const SystemPage = lazy(() => import("./pages/system/SystemPage").then((m) => ({ default: m.SystemPage })));

export function App() {
  const [signedIn, setSignedIn] = useState(() => keyStore.get() !== null);
  const qc = useQueryClient();
  useEffect(
    () =>
      onUnauthorized(() => {
        keyStore.clear();
        qc.clear();
        setSignedIn(false);
      }),
    [qc],
  );
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  return (
    <Shell
      onSignOut={() => {
        keyStore.clear();
        qc.clear();
        setSignedIn(false);
      }}
    />
  );
}

function Shell({ onSignOut }: { onSignOut: () => void }) {
  const url = useLocation();
  const stream = useSpaceEvents();
  const path = url.pathname;
  const space = /^\/spaces\/([^/]+)/.exec(path);
  const nav = (href: string, label: string) => (
    <Link href={href} aria-current={(href === "/" ? path === "/" || path.startsWith("/spaces") : path.startsWith(href)) ? "page" : undefined}>
      {label}
    </Link>
  );
  return (
    <>
      <header className="top">
        <Link href="/" className="brand">
          Clawdspace
        </Link>
        <nav aria-label="Main">
          {nav("/", "Spaces")}
          {nav("/tasks", "Tasks")}
          {nav("/system", "System")}
          {nav("/audit", "Audit")}
        </nav>
        <span className={`live ${stream}`} title={stream === "live" ? "Live updates on" : "Reconnecting to live updates"} aria-label={stream === "live" ? "Live updates on" : "Live updates reconnecting"} />
        <button type="button" className="link" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main className="content">
        <Suspense fallback={<Loading what="page" />}>
          {space ? <SpacePage key={space[1]} name={decodeURIComponent(space[1]!)} /> : path.startsWith("/tasks") ? <TasksPage /> : path.startsWith("/system") ? <SystemPage /> : path.startsWith("/audit") ? <AuditPage /> : <SpacesPage />}
        </Suspense>
      </main>
    </>
  );
}
