import { useId, useState, type FormEvent } from "react";
import { nameProblem } from "./paths";

/** The in-page question for a new file's, a new folder's or a renamed entry's name (no prompt()). */
export function NameForm(p: { label: string; submit: string; initial?: string; busy?: boolean; onSubmit: (name: string) => void; onCancel: () => void }) {
  const id = useId();
  const [name, setName] = useState(p.initial ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  const send = (e: FormEvent) => {
    e.preventDefault();
    const why = nameProblem(name);
    setProblem(why);
    if (!why) p.onSubmit(name.trim());
  };
  return (
    <form className="name-form card" onSubmit={send} onKeyDown={(e) => e.key === "Escape" && p.onCancel()}>
      <div className="field">
        <label htmlFor={`${id}-n`}>{p.label}</label>
        <input
          id={`${id}-n`}
          value={name}
          autoFocus
          onFocus={(e) => {
            // A rename selects the name without its extension, as file managers do.
            const dot = e.target.value.lastIndexOf(".");
            e.target.setSelectionRange(0, dot > 0 ? dot : e.target.value.length);
          }}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-e` : undefined}
        />
        {problem && (
          <span id={`${id}-e`} className="field-error">
            {problem}
          </span>
        )}
      </div>
      <button type="submit" className="primary" disabled={p.busy}>
        {p.submit}
      </button>
      <button type="button" onClick={p.onCancel}>
        Cancel
      </button>
    </form>
  );
}
