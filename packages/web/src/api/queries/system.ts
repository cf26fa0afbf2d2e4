import { api } from "../client";

export interface SystemInfo {
  hostname: string;
  platform: string;
  arch: string;
  cpus: number;
  loadAverage: number[];
  memory: { total: string; free: string; used: string };
  disk?: Record<string, string>;
  uptime: string | number;
  docker: Record<string, unknown>;
}

export interface NodeInfo {
  name: string;
  url: string;
  status: "online" | "offline";
  latencyMs: number | null;
}

export const systemQuery = () => ({
  queryKey: ["system"] as const,
  queryFn: () => api<SystemInfo>("/api/system"),
  refetchInterval: 15_000,
});

export const nodesQuery = () => ({
  queryKey: ["nodes"] as const,
  queryFn: () => api<{ nodes: NodeInfo[]; lastUpdatedAt: string }>("/api/nodes"),
  refetchInterval: 15_000,
});
