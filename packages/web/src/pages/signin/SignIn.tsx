import { useState, type FormEvent } from "react";
import { ClawdspaceApiError } from "@clawdspace/shared/client";
import { checkKey, keyStore } from "../../api/client";

/** Checks the key against a route that needs it before keeping it. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await checkKey(key.trim());
      keyStore.set(key.trim());
      onSignedIn();
    } catch (err) {
      setError(err instanceof ClawdspaceApiError && err.status === 401 ? "That key is not valid for this server. Check it and try again." : `Could not reach the server: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} className="card">
        <h1>Clawdspace</h1>
        <label htmlFor="key">API key</label>
        <input id="key" type="password" autoComplete="current-password" value={key} onChange={(e) => setKey(e.target.value)} required autoFocus aria-invalid={!!error} aria-describedby="key-help" />
        <p id="key-help" className="muted small">
          The server printed where it keeps the key (for example <code>~/.local/share/clawdspace/api-key</code>). It stays in this browser until you sign out.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !key.trim()}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
