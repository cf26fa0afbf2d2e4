import { ClawdspaceClient } from "@clawdspace/shared/client";

/** The key lives in localStorage so a person enters it once per browser. */
const KEY_STORAGE = "clawdspace.key";

export const keyStore = {
  get: (): string | null => localStorage.getItem(KEY_STORAGE),
  set: (key: string) => localStorage.setItem(KEY_STORAGE, key),
  clear: () => localStorage.removeItem(KEY_STORAGE),
};

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
/** Called on every 401, so the app can send the person back to sign in. */
export function onUnauthorized(l: Listener): () => void {
  unauthorizedListeners.add(l);
  return () => unauthorizedListeners.delete(l);
}

// Looked up at each call rather than bound once, so the page's fetch is whatever it is then.
const pageFetch: typeof fetch = (input, init) => fetch(input, init);

/** Sends the person back to sign in; also for answers that did not come through the client (an upload's XHR). */
export function reportUnauthorized(): void {
  unauthorizedListeners.forEach((l) => l());
}

const watchingFetch: typeof fetch = async (input, init) => {
  const res = await pageFetch(input, init);
  if (res.status === 401) reportUnauthorized();
  return res;
};

/** The one client of the dashboard: same origin, the stored key read at each request. */
export const client = new ClawdspaceClient({ baseUrl: "", key: () => keyStore.get(), fetch: watchingFetch });

/** Checks a key before it is kept; a 401 here means "wrong key", not "signed out". */
export async function checkKey(key: string): Promise<void> {
  await new ClawdspaceClient({ baseUrl: "", key, fetch: pageFetch }).capabilities();
}
