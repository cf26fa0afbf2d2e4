import type { AuditEvent } from "@clawdspace/shared";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { paint, printable, printJson, table } from "../output.js";

interface AuditOpts {
  space?: string;
  type?: string;
  limit: string;
  follow?: boolean;
}

const FOLLOW_EVERY_MS = 1000;
const PAGE = 1000;

export function describe(meta: AuditEvent["meta"]): string {
  if (!meta) return "";
  return Object.entries(meta)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
}

export async function run(ctx: Context, _args: string[], opts: AuditOpts): Promise<void> {
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw usageError(`--limit "${opts.limit}" must be a whole number from 1 to 10000`);
  const filter = { space: opts.space, type: opts.type };
  const first = await ctx.client.audit({ ...filter, limit });
  // Everything but the time may carry text a space chose (a shell line): never let it drive our terminal.
  const cells = (e: AuditEvent) => [paint.dim(ctx.colour)(e.ts), printable(e.space ?? "-"), printable(e.type), printable(e.actor ?? "-"), printable(describe(e.meta))];

  if (!opts.follow) {
    if (ctx.json) return printJson(first);
    ctx.out.write(table(["TIME", "SPACE", "TYPE", "BY", "DETAILS"], first.events.map(cells), ctx.colour));
    return;
  }

  // Following: one event per line (JSON lines with --json), polling from the server's `after` cursor,
  // so every event is printed once and none is skipped between polls.
  const print = (events: AuditEvent[]) => {
    for (const e of events) ctx.out.write(ctx.json ? `${JSON.stringify(e)}\n` : `${cells(e).join("  ")}\n`);
  };
  print(first.events);
  let after = first.nextAfter ?? 0;
  let stop = false;
  process.once("SIGINT", () => {
    stop = true;
  });
  while (!stop) {
    const page = await ctx.client.audit({ ...filter, after, limit: PAGE });
    print(page.events);
    after = page.nextAfter ?? after;
    if (page.events.length < PAGE) await new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS));
  }
}
