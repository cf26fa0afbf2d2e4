import { createServer, type Socket } from "node:net";
import type { Context } from "../context.js";
import { toCliError } from "../errors.js";
import { parseForwardSpec } from "../ssh/forwardSpec.js";
import { openTunnel, pipeTunnel } from "../ssh/tunnelSocket.js";

interface ForwardOpts {
  address: string;
}

/** Listens on a local port; each accepted connection gets a tunnel of its own to 127.0.0.1:REMOTE in the space. */
export async function run(ctx: Context, [name, spec]: string[], opts: ForwardOpts): Promise<void> {
  const { local, remote } = parseForwardSpec(spec!);
  // Refused before listening when the space is missing or the key is wrong, not at the first connection.
  await ctx.client.getSpace(name!);
  const url = ctx.client.tunnels.url(name!, { target: "port", port: remote });
  const serve = async (socket: Socket) => {
    socket.pause();
    socket.on("error", () => undefined);
    try {
      const ws = await openTunnel(url, ctx.settings.key);
      socket.once("close", () => ws.close(1000));
      await pipeTunnel(ws, socket, socket);
      // The far end is done: what the local client still sends is read and dropped, so its write finishes and it sees the close.
      socket.end();
      socket.resume();
    } catch (e) {
      ctx.err.write(`clawdspace: forward ${name}:${remote}: ${toCliError(e, ctx.settings.url).message}\n`);
      socket.destroy();
    }
  };
  const server = createServer({ allowHalfOpen: true }, (socket) => void serve(socket));
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(toCliError(e)));
    server.listen(local, opts.address, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : local;
  ctx.out.write(`Forwarding from ${opts.address}:${port} -> ${name}:${remote}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
