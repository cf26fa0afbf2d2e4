import { api, apiFetch, enc } from "../client";
import type { FileEntry } from "../types";

export const filesQuery = (space: string, path: string) => ({
  queryKey: ["files", space, path] as const,
  queryFn: () => api<{ path: string; entries: FileEntry[] }>(`/api/spaces/${enc(space)}/files?path=${enc(path)}`),
});

export const fileQuery = (space: string, path: string) => ({
  queryKey: ["file", space, path] as const,
  queryFn: async () => {
    const r = await api<{ contentBase64: string; truncated: boolean; size: number }>(`/api/spaces/${enc(space)}/file?path=${enc(path)}`);
    const bytes = Uint8Array.from(atob(r.contentBase64), (c) => c.charCodeAt(0));
    return { text: new TextDecoder().decode(bytes), truncated: r.truncated, size: r.size };
  },
});

export const fileActions = {
  write: (space: string, path: string, body: Blob | string) =>
    apiFetch(`/api/spaces/${enc(space)}/file?path=${enc(path)}`, { method: "PUT", body, headers: { "Content-Type": "application/octet-stream" } }),
  remove: (space: string, path: string, recursive: boolean) =>
    api(`/api/spaces/${enc(space)}/file?path=${enc(path)}${recursive ? "&recursive=true" : ""}`, { method: "DELETE" }),
  mkdir: (space: string, path: string) => api(`/api/spaces/${enc(space)}/files/mkdir`, { method: "POST", json: { path } }),
  download: async (space: string, path: string) => {
    const res = await apiFetch(`/api/spaces/${enc(space)}/file?path=${enc(path)}&raw=1`);
    return res.blob();
  },
};
