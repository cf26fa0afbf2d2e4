import type { AuditQueryInput } from "@clawdspace/shared";
import { client } from "../client";

export type AuditFilter = Pick<AuditQueryInput, "space" | "type" | "since" | "until" | "before" | "limit">;

export const auditQuery = (f: AuditFilter) => ({
  queryKey: ["audit", f] as const,
  queryFn: () => client.audit({ limit: 50, ...f }),
});

/** The filter's choices, from the server: every type it writes and any other its log holds. */
export const auditTypesQuery = () => ({
  queryKey: ["audit-types"] as const,
  queryFn: () => client.auditTypes(),
  staleTime: 5 * 60_000,
});
