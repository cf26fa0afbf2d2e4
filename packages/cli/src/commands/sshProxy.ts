import type { Context } from "../context.js";
import { CliError } from "../errors.js";
import { EXIT } from "../exitCodes.js";
import { openTunnel, pipeTunnel } from "../ssh/tunnelSocket.js";

/** OpenSSH's ProxyCommand: stdin and stdout carried to the space's sshd over the tunnel WebSocket. */
export async function run(ctx: Context, [name]: string[]): Promise<void> {
  const ws = await openTunnel(ctx.client.tunnels.url(name!, { target: "ssh", port: undefined }), ctx.settings.key);
  const end = await pipeTunnel(ws, process.stdin, process.stdout);
  process.stdin.pause();
  if (end.code !== 1000 && end.code !== 1005) {
    throw new CliError(`the tunnel to ${name} closed: ${end.reason || `code ${end.code}`}`, "TUNNEL_CLOSED", EXIT.UNAVAILABLE);
  }
}
