import type { AuditQueryInput } from "@clawdspace/shared";
import { client } from "../client";

export type AuditFilter = Pick<AuditQueryInput, "space" | "type" | "since" | "until" | "before" | "limit">;

export const auditQuery = (f: AuditFilter) => ({
  queryKey: ["audit", f] as const,
  queryFn: () => client.audit({ limit: 50, ...f }),
});
