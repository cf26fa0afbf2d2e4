import type { Context } from "../context.js";
import { printJson } from "../output.js";
import { VERSION } from "../version.js";

/** Works without a server: the CLI's version always, the server's when it answers within 3 s. */
export async function run(ctx: Context): Promise<void> {
  let server: string | null = null;
  try {
    const res = await ctx.client.request("GET", "/api/health", undefined, { signal: AbortSignal.timeout(3000) });
    server = ((await res.json()) as { version?: string }).version ?? null;
  } catch {
    server = null;
  }
  if (ctx.json) return printJson({ cli: VERSION, server, url: ctx.settings.url });
  ctx.out.write(`clawdspace ${VERSION}\nserver ${server ?? `unreachable at ${ctx.settings.url}`}\n`);
}
