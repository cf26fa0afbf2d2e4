import { z } from "zod";
import { SpaceNameSchema } from "./common.js";

/** A point in time as an ISO date or epoch milliseconds. */
const Instant = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = typeof v === "number" || /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: "custom", message: `"${String(v)}" is not a date (use ISO 8601 or epoch milliseconds)` });
      return z.NEVER;
    }
    return ms;
  });

const Cursor = z.coerce.number({ error: "cursor must be an event id" }).int().min(0);

export const AUDIT_TYPE_RE = /^[a-z][a-z0-9_.-]{0,63}$/;

export const AuditQuerySchema = z.object({
  space: SpaceNameSchema.optional(),
  /** ours: one node's events (its cursors); without it, every node's newest, merged by time. */
  node: SpaceNameSchema.optional(),
  type: z.string().regex(AUDIT_TYPE_RE, { error: "type must look like space.exec" }).optional(),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int({ error: "limit must be a whole number" })
    .min(1, { error: "limit must be at least 1" })
    .max(10_000, { error: "limit must be at most 10000" })
    .default(100),
  /** Only events older than this id (paging backwards). */
  before: Cursor.optional(),
  /** Only events newer than this id (following new events). */
  after: Cursor.optional(),
  since: Instant.optional(),
  until: Instant.optional(),
});
export type AuditQuery = z.output<typeof AuditQuerySchema>;
export type AuditQueryInput = z.input<typeof AuditQuerySchema>;

/** The export takes the same filters; without a limit it streams everything that matches, oldest first. */
export const AuditExportQuerySchema = AuditQuerySchema.omit({ limit: true, before: true }).extend({
  limit: z.coerce.number().int().min(1).max(100_000_000).optional(),
});
export type AuditExportQuery = z.output<typeof AuditExportQuerySchema>;

export const AuditEventSchema = z.object({
  id: z.number().int(),
  ts: z.string().describe("ISO 8601"),
  space: z.string().optional(),
  type: z.string(),
  actor: z.string().optional().describe("the API key's name, or worker for the sleep worker"),
  requestId: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  /** ours: the node that wrote it (in a merged list of several nodes). */
  node: z.string().optional(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditListSchema = z.object({
  events: z.array(AuditEventSchema).describe("the newest `limit` matching events, oldest first"),
  /** Pass as `before` for the previous page; null when this page reaches the oldest match. */
  nextBefore: z.number().int().nullable(),
  /** Pass as `after` to follow newer events (the last id seen, or the `after` given when nothing is new). */
  nextAfter: z.number().int().nullable(),
});
export type AuditList = z.infer<typeof AuditListSchema>;

/** `event: audit` of GET /api/events: that an event was written (its id and type), never its details. */
export const AuditAppendedSchema = z.object({ id: z.number().int(), type: z.string(), space: z.string().optional(), ts: z.string() });
export type AuditAppended = z.infer<typeof AuditAppendedSchema>;

export const AuditTypesSchema = z.object({ types: z.array(z.string()).describe("sorted: every type the server writes, and any other the log holds") });
