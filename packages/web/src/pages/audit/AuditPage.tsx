import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { auditQuery, auditTypesQuery, type AuditFilter } from "../../api/queries/audit";
import { Empty, ErrorBox, Loading } from "../../components/States";

/**
 * One page of events, newest first on screen; "Older" follows the server's nextBefore cursor.
 * The newest page follows the log live: the event stream says when an event was written.
 */
export function AuditList({ filter }: { filter: AuditFilter }) {
  const [cursors, setCursors] = useState<number[]>([]);
  const before = cursors[cursors.length - 1];
  const q = useQuery(auditQuery({ ...filter, before }));
  if (q.isPending) return <Loading what="audit events" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const events = [...q.data.events].reverse();
  return (
    <div>
      <p className="muted small" role="status">
        {cursors.length === 0 ? "Newest first; new events appear as they are written." : "Older events; go back to Newer to follow new ones."}
      </p>
      {events.length === 0 ? (
        <Empty>No events match.</Empty>
      ) : (
        <ol className="audit-list" aria-label="Audit events">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.ts}>{new Date(e.ts).toLocaleString()}</time>
              <code>{e.type}</code>
              {e.space && <span className="muted">{e.space}</span>}
              {e.actor && <span className="muted small">by {e.actor}</span>}
              {e.meta && Object.keys(e.meta).length > 0 && <span className="meta small">{summary(e.meta)}</span>}
            </li>
          ))}
        </ol>
      )}
      <div className="row pager">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!q.data.nextBefore || q.data.events.length === 0} onClick={() => setCursors((c) => [...c, q.data.nextBefore!])}>
          Older
        </button>
      </div>
    </div>
  );
}

function summary(meta: Record<string, unknown>): string {
  return Object.entries(meta)
    .map(([k, v]) => [k, Array.isArray(v) && v.every((x) => typeof x !== "object") ? v.join(" ") : v] as const)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== "object")
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ")
    .slice(0, 200);
}

export function AuditPage() {
  const [form, setForm] = useState({ space: "", type: "", since: "", until: "" });
  const [filter, setFilter] = useState<AuditFilter>({});
  const types = useQuery(auditTypesQuery());
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const toIso = (v: string) => (v ? new Date(v).toISOString() : undefined);
    setFilter({ space: form.space.trim() || undefined, type: form.type || undefined, since: toIso(form.since), until: toIso(form.until) });
  };
  return (
    <section>
      <h1>Audit</h1>
      <form className="card filters" onSubmit={submit} aria-label="Filter events">
        <div className="field">
          <label htmlFor="f-space">Space</label>
          <input id="f-space" value={form.space} onChange={(e) => setForm({ ...form, space: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="f-type">Type</label>
          <select id="f-type" value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value })}>
            <option value="">any</option>
            {(types.data ?? []).map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-since">From</label>
          <input id="f-since" type="datetime-local" value={form.since} onChange={(e) => setForm({ ...form, since: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="f-until">To</label>
          <input id="f-until" type="datetime-local" value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} />
        </div>
        <button type="submit" className="primary">
          Filter
        </button>
      </form>
      <AuditList key={JSON.stringify(filter)} filter={filter} />
    </section>
  );
}
