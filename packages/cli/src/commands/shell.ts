import { EXIT } from "../exitCodes.js";
import type { Context } from "../context.js";
import { CliError } from "../errors.js";
import { paint } from "../output.js";
import { parseDetachKeys } from "../shell/detachKeys.js";
import { SessionOffsets } from "../shell/offsets.js";
import { runTerminal, type TerminalEnd } from "../shell/terminal.js";

interface ShellOpts {
  session?: string;
  detachKeys: string;
  view?: boolean;
}

const RECONNECTS = 5;

export async function run(ctx: Context, [name]: string[], opts: ShellOpts): Promise<void> {
  const detachKeys = parseDetachKeys(opts.detachKeys);
  const offsets = new SessionOffsets();
  const stdin = process.stdin;
  const stdout = process.stdout;
  const dim = paint.dim(ctx.colourErr);
  const notice = (line: string) => ctx.err.write(`\r\n${dim(line)}\r\n`);
  const raw = Boolean(stdin.isTTY);
  if (raw) stdin.setRawMode(true);
  stdin.resume();
  // Killed from outside: give the terminal back in its normal mode (the session lives on).
  const onSignal = (signal: NodeJS.Signals) => {
    if (raw) stdin.setRawMode(false);
    process.exit(128 + (signal === "SIGHUP" ? 1 : 15));
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGHUP", onSignal);

  let session = opts.session;
  let since = session ? offsets.get(ctx.settings.url, name!, session) : undefined;
  let end: TerminalEnd | undefined;
  try {
    for (let attempt = 0; ; attempt++) {
      end = await runTerminal({
        wsUrl: ctx.client.terminalUrl(name!, { session, since: session ? since : undefined, mode: opts.view ? "view" : undefined }),
        key: ctx.settings.key,
        session,
        since,
        view: opts.view,
        detachKeys,
        input: stdin,
        output: stdout,
        notice,
        size: () => (stdout.isTTY ? { cols: stdout.columns, rows: stdout.rows } : undefined),
        onResize: (listener) => {
          stdout.on("resize", listener);
          return () => stdout.off("resize", listener);
        },
      });
      session = end.session ?? session;
      since = end.offset;
      if (session) offsets.set(ctx.settings.url, name!, session, end.offset);
      if (end.reason !== "lost" || !session || attempt >= RECONNECTS) break;
      notice(`[connection lost; reconnecting to session ${session}]`);
      await new Promise((r) => setTimeout(r, Math.min(8000, 500 * 2 ** attempt)));
    }
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
  }

  if (end?.reason === "detached" && session) {
    ctx.err.write(`\r\n${dim(`detached from session ${session}; reattach with: clawdspace shell ${name} --session ${session}`)}\r\n`);
  } else if (end?.reason === "lost") {
    throw new CliError(
      `lost the connection to the terminal${session ? `; the session lives on: clawdspace shell ${name} --session ${session}` : ""}`,
      "CONNECTION_LOST",
      EXIT.UNAVAILABLE,
    );
  }
}
