/** The key lives in localStorage so a person enters it once per browser. */
const KEY_STORAGE = "clawdspace.key";

export const keyStore = {
  get: (): string | null => localStorage.getItem(KEY_STORAGE),
  set: (key: string) => localStorage.setItem(KEY_STORAGE, key),
  clear: () => localStorage.removeItem(KEY_STORAGE),
};

export interface FieldIssue {
  path: string;
  message: string;
}

/** The server's `{error, code, details?}` as a thrown value. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
/** Called on every 401, so the app can send the person back to sign in. */
export function onUnauthorized(l: Listener): () => void {
  unauthorizedListeners.add(l);
  return () => unauthorizedListeners.delete(l);
}

export function authHeaders(key = keyStore.get()): Record<string, string> {
  return key ? { Authorization: `Bearer ${key}` } : {};
}

async function toError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: string; code?: string; details?: { issues?: FieldIssue[] } } | null;
  const issues = (body?.details?.issues ?? []).map((i) => ({ path: Array.isArray(i.path) ? (i.path as unknown[]).join(".") : String(i.path ?? ""), message: i.message }));
  return new ApiError(res.status, body?.code ?? `HTTP_${res.status}`, body?.error ?? res.statusText, issues);
}

/** Raw fetch with the key; throws ApiError on a non-2xx answer. */
export async function apiFetch(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const { key, ...rest } = init;
  const res = await fetch(path, { ...rest, headers: { ...authHeaders(key ?? keyStore.get()), ...(rest.headers as Record<string, string>) } });
  if (!res.ok) {
    const err = await toError(res);
    if (res.status === 401 && key === undefined) unauthorizedListeners.forEach((l) => l());
    throw err;
  }
  return res;
}

export async function api<T>(path: string, init: RequestInit & { json?: unknown; key?: string } = {}): Promise<T> {
  const { json, ...rest } = init;
  const res = await apiFetch(path, json === undefined ? rest : { ...rest, body: JSON.stringify(json), headers: { "Content-Type": "application/json", ...(rest.headers as Record<string, string>) } });
  return (await res.json()) as T;
}

export const enc = encodeURIComponent;
