import { api } from "../client";
import type { AuditPage } from "../types";

export interface AuditFilter {
  space?: string;
  type?: string;
  since?: string;
  until?: string;
  before?: number;
  limit?: number;
}

export function auditSearch(f: AuditFilter): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== "") q.set(k, String(v));
  return q.toString();
}

export const auditQuery = (f: AuditFilter) => ({
  queryKey: ["audit", f] as const,
  queryFn: () => api<AuditPage>(`/api/audit?${auditSearch({ limit: 50, ...f })}`),
});
