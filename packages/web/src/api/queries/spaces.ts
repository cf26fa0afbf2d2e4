import { api, enc } from "../client";
import type { Space } from "../types";

export const spacesQuery = () => ({
  queryKey: ["spaces"] as const,
  queryFn: () => api<{ spaces: Space[] }>("/api/spaces").then((r) => r.spaces),
  // The event stream invalidates on every change; this slow re-list covers a stream cut by a proxy.
  refetchInterval: 30_000,
});

export const spaceQuery = (name: string) => ({
  queryKey: ["spaces", name] as const,
  queryFn: () => api<{ space: Space }>(`/api/spaces/${enc(name)}`).then((r) => r.space),
});

export const templatesQuery = () => ({
  queryKey: ["templates"] as const,
  queryFn: () => api<{ templates: Array<{ name: string; description?: string }> }>("/api/templates").then((r) => r.templates),
  staleTime: 60_000,
});

export interface CreateSpaceInput {
  name: string;
  template?: string;
  memory?: string;
  cpus?: string;
  image?: string;
  env?: string[];
}

export const spaceActions = {
  create: (body: CreateSpaceInput) => api<{ space: Space }>("/api/spaces", { method: "POST", json: body }),
  pause: (name: string) => api(`/api/spaces/${enc(name)}/stop`, { method: "POST" }),
  resume: (name: string) => api(`/api/spaces/${enc(name)}/start`, { method: "POST" }),
  keepAwake: (name: string, ttlMs: number) => api(`/api/spaces/${enc(name)}/keepalive`, { method: "POST", json: { ttlMs } }),
  destroy: (name: string, removeVolume: boolean) => api(`/api/spaces/${enc(name)}${removeVolume ? "?removeVolume=true" : ""}`, { method: "DELETE" }),
};
