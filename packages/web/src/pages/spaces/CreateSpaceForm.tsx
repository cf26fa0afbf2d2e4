import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactElement } from "react";
import type { CreateSpaceRequest } from "@clawdspace/shared";
import { spaceActions, templatesQuery } from "../../api/queries/spaces";
import { fieldErrors } from "../../components/fieldErrors";
import { NodeChoice } from "./NodeChoice";

const FIELDS = ["name", "template", "memory", "cpus", "image", "env", "node"] as const;
type Field = (typeof FIELDS)[number];

/** Each server validation issue under the field it names; a taken name or a missing image on its field. */
export const createErrors = (err: unknown) => fieldErrors(err, FIELDS, { SPACE_EXISTS: "name", IMAGE_NOT_FOUND: "image" });

export function CreateSpaceForm({ onDone }: { onDone: (name: string) => void }) {
  const qc = useQueryClient();
  const templates = useQuery(templatesQuery());
  const [v, setV] = useState({ name: "", template: "", memory: "", cpus: "", image: "", env: "", node: "" });
  const create = useMutation({
    mutationFn: (body: CreateSpaceRequest) => spaceActions.create(body),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ["spaces"] });
      onDone(r.name);
    },
  });
  const errs = createErrors(create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: CreateSpaceRequest = { name: v.name.trim() };
    if (v.template) body.template = v.template;
    if (v.memory.trim()) body.memory = v.memory.trim();
    if (v.cpus.trim()) body.cpus = v.cpus.trim();
    if (v.image.trim()) body.image = v.image.trim();
    const env = v.env.split("\n").map((l) => l.trim()).filter(Boolean);
    if (env.length) body.env = env;
    if (v.node) body.node = v.node;
    create.mutate(body);
  };
  const field = (f: Field, label: string, input: ReactElement, hint?: string) => (
    <div className="field">
      <label htmlFor={`new-${f}`}>{label}</label>
      {input}
      {errs.byField[f] ? (
        <span className="field-error" id={`new-${f}-err`} role="alert">
          {errs.byField[f]}
        </span>
      ) : hint ? (
        <span className="muted small">{hint}</span>
      ) : null}
    </div>
  );
  const text = (f: Exclude<Field, "template" | "env" | "node">, placeholder: string) => (
    <input id={`new-${f}`} value={v[f]} placeholder={placeholder} onChange={(e) => setV({ ...v, [f]: e.target.value })} aria-invalid={!!errs.byField[f]} aria-describedby={errs.byField[f] ? `new-${f}-err` : undefined} />
  );
  return (
    <form className="card create" onSubmit={submit} aria-label="Create a space">
      <h2>New space</h2>
      {errs.general && (
        <p className="error" role="alert">
          {errs.general}
        </p>
      )}
      <div className="grid">
        {field("name", "Name", text("name", "my-space"), "letters, digits, - and _")}
        {field(
          "template",
          "Template",
          <select id="new-template" value={v.template} onChange={(e) => setV({ ...v, template: e.target.value })}>
            <option value="">default</option>
            {(templates.data ?? []).filter((t) => t.name !== "default").map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>,
        )}
        <NodeChoice value={v.node} onChange={(node) => setV({ ...v, node })} />
        {field("memory", "Memory", text("memory", "2g"))}
        {field("cpus", "CPUs", text("cpus", "1"))}
        {field("image", "Image", text("image", "clawdspace:latest"))}
        {field(
          "env",
          "Environment",
          <textarea id="new-env" rows={2} value={v.env} placeholder="NAME=value, one a line" onChange={(e) => setV({ ...v, env: e.target.value })} aria-invalid={!!errs.byField.env} />,
        )}
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={create.isPending || !v.name.trim()}>
          {create.isPending ? "Creating…" : "Create"}
        </button>
      </div>
    </form>
  );
}
