import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { paint, printJson, table } from "../output.js";

export interface AuditEvent {
  id?: number | string;
  ts: string;
  space?: string | null;
  type: string;
  actor?: string | null;
  meta?: Record<string, unknown> | null;
}

interface AuditOpts {
  space?: string;
  type?: string;
  limit: string;
  follow?: boolean;
}

const FOLLOW_EVERY_MS = 1500;

function query(opts: AuditOpts, limit: number, after?: number | string): string {
  const q = new URLSearchParams();
  if (opts.space) q.set("space", opts.space);
  if (opts.type) q.set("type", opts.type);
  q.set("limit", String(limit));
  if (after !== undefined) q.set("after", String(after));
  return `/api/audit?${q}`;
}

/** A stable identity for an event, so overlapping polls never print one twice (ids where the server gives them). */
export const eventKey = (e: AuditEvent) => (e.id !== undefined ? `#${e.id}` : `${e.ts}|${e.space ?? ""}|${e.type}|${JSON.stringify(e.meta ?? null)}`);

export function describe(meta: AuditEvent["meta"]): string {
  if (!meta) return "";
  return Object.entries(meta)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

export async function run(ctx: Context, _args: string[], opts: AuditOpts): Promise<void> {
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw usageError(`--limit "${opts.limit}" must be a whole number from 1 to 10000`);
  const first = (await ctx.client.json<{ events: AuditEvent[] }>("GET", query(opts, limit))).events;
  const line = (e: AuditEvent) => [paint.dim(ctx.colour)(e.ts), e.space ?? "-", e.type, describe(e.meta)];

  if (!opts.follow) {
    if (ctx.json) return printJson({ events: first });
    ctx.out.write(table(["TIME", "SPACE", "TYPE", "DETAILS"], first.map(line), ctx.colour));
    return;
  }

  // Following: one event per line (JSON lines with --json), polling with the newest id as the cursor.
  const seen = new Set<string>();
  const print = (events: AuditEvent[]) => {
    for (const e of events) {
      const k = eventKey(e);
      if (seen.has(k)) continue;
      seen.add(k);
      ctx.out.write(ctx.json ? `${JSON.stringify(e)}\n` : `${line(e).join("  ")}\n`);
    }
  };
  print(first);
  let cursor = first.at(-1)?.id;
  let stop = false;
  process.once("SIGINT", () => {
    stop = true;
  });
  while (!stop) {
    await new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS));
    if (stop) break;
    const events = (await ctx.client.json<{ events: AuditEvent[] }>("GET", query(opts, 1000, cursor))).events;
    print(events);
    cursor = events.at(-1)?.id ?? cursor;
    if (seen.size > 100_000) seen.clear(); // ids only grow; old keys can go
  }
}
