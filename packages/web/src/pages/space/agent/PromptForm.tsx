import type { FormEvent, KeyboardEvent, RefObject } from "react";
import { fieldErrors } from "../../../components/fieldErrors";
import { agentErrorText, type PromptDraft } from "./promptDraft";

const FIELDS = ["prompt", "resume", "model", "maxTurns"] as const;

export interface PromptFormProps {
  draft: PromptDraft;
  onChange: (d: PromptDraft) => void;
  onSubmit: () => void;
  pending: boolean;
  error: unknown;
  inputRef?: RefObject<HTMLTextAreaElement | null>;
}

/** The prompt box: what to ask, whether to go on with a conversation, and a model if not the default. */
export function PromptForm({ draft, onChange, onSubmit, pending, error, inputRef }: PromptFormProps) {
  const errs = fieldErrors(error, FIELDS);
  const general = agentErrorText(error, errs.general);
  const set = (p: Partial<PromptDraft>) => onChange({ ...draft, ...p });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!pending) onSubmit();
  };
  // A phone's keyboard has no Ctrl: Enter stays a new line everywhere, Ctrl/Cmd+Enter runs.
  const key = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e);
  };
  const err = (f: (typeof FIELDS)[number]) =>
    errs.byField[f] ? (
      <span className="field-error" id={`agent-${f}-err`} role="alert">
        {errs.byField[f]}
      </span>
    ) : null;
  return (
    <form className="card task-form agent-form" onSubmit={submit} aria-label="Ask Claude">
      <h2>Ask Claude</h2>
      {general && (
        <p className="error" role="alert">
          {general}
        </p>
      )}
      <div className="field">
        <label htmlFor="agent-prompt">Prompt</label>
        <textarea
          id="agent-prompt"
          ref={inputRef}
          rows={4}
          value={draft.prompt}
          placeholder="What should Claude do in this space?"
          onChange={(e) => set({ prompt: e.target.value })}
          onKeyDown={key}
          aria-invalid={!!errs.byField.prompt}
          aria-describedby={errs.byField.prompt ? "agent-prompt-err" : "agent-prompt-hint"}
        />
        {err("prompt") ?? (
          <span className="muted small" id="agent-prompt-hint">
            Claude Code runs in the space and keeps going when you leave the page. Ctrl+Enter runs.
          </span>
        )}
      </div>
      {draft.resumeSession ? (
        <p className="resume-note small">
          Goes on with session <code>{draft.resumeSession.slice(0, 8)}</code>.{" "}
          <button type="button" className="link" onClick={() => set({ resumeSession: null })}>
            Start a new conversation instead
          </button>
        </p>
      ) : (
        <label className="check">
          <input type="checkbox" checked={draft.continueLast} onChange={(e) => set({ continueLast: e.target.checked })} /> Continue the last conversation
        </label>
      )}
      {err("resume")}
      <details className="agent-options" open={!!(errs.byField.model || errs.byField.maxTurns) || undefined}>
        <summary>Options</summary>
        <div className="agent-options-grid">
          <div className="field">
            <label htmlFor="agent-model">Model (optional)</label>
            <input
              id="agent-model"
              list="agent-models"
              value={draft.model}
              placeholder="default"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => set({ model: e.target.value })}
              aria-invalid={!!errs.byField.model}
              aria-describedby={errs.byField.model ? "agent-model-err" : undefined}
            />
            <datalist id="agent-models">
              <option value="sonnet" />
              <option value="opus" />
              <option value="haiku" />
            </datalist>
            {err("model")}
          </div>
          <div className="field">
            <label htmlFor="agent-turns">Max turns (optional)</label>
            <input
              id="agent-turns"
              inputMode="numeric"
              value={draft.maxTurns}
              placeholder="no limit"
              onChange={(e) => set({ maxTurns: e.target.value })}
              aria-invalid={!!errs.byField.maxTurns}
              aria-describedby={errs.byField.maxTurns ? "agent-maxTurns-err" : undefined}
            />
            {err("maxTurns")}
          </div>
        </div>
      </details>
      <div className="row">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Starting…" : "Run"}
        </button>
      </div>
    </form>
  );
}
