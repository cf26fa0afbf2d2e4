import { spawn } from "node:child_process";
import type { Context } from "../context.js";

/** The program that opens a URL here, or null where no browser can show it (ssh sessions, servers). */
export function opener(platform = process.platform, env = process.env): string | null {
  if (platform === "darwin") return "open";
  if (platform === "win32") return "explorer.exe";
  if (env.BROWSER) return env.BROWSER;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? "xdg-open" : null;
}

export async function run(ctx: Context, _args: string[], opts: { open?: boolean }): Promise<void> {
  // The key is never part of this URL (nor of the opener's argv): the dashboard has its own sign-in.
  const url = `${ctx.settings.url}/`;
  ctx.out.write(`${url}\n`);
  const program = opts.open === false ? null : opener();
  if (!program) return;
  const child = spawn(program, [url], { detached: true, stdio: "ignore" });
  child.on("error", () => ctx.err.write(`clawdspace: could not start ${program}; open ${url} yourself\n`));
  child.unref();
}
