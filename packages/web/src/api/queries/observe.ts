import { api, enc } from "../client";
import type { Stats, TerminalInfo } from "../types";

export const statsQuery = (space: string) => ({
  queryKey: ["stats", space] as const,
  queryFn: () => api<{ stats: Stats }>(`/api/spaces/${enc(space)}/stats`).then((r) => r.stats),
});

export const terminalsQuery = (space: string) => ({
  queryKey: ["terminals", space] as const,
  queryFn: () => api<{ terminals: TerminalInfo[] }>(`/api/spaces/${enc(space)}/terminals`).then((r) => r.terminals),
  refetchInterval: 10_000,
});

export const ticket = (space: string) =>
  api<{ ticket: string; path: string }>(`/api/spaces/${enc(space)}/terminal/ticket`, { method: "POST" });
