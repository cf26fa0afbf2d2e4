import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { TunnelQuerySchema, type WakeTier } from "@clawdspace/shared";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import type { Authenticator } from "../http/auth.js";
import { toHttpError } from "../http/errorMiddleware.js";
import { HttpError } from "../http/httpError.js";
import { redactUrl } from "../http/logger.js";
import { originAllowed } from "../http/terminalUpgrade.js";
import { identifyUpgrade, parseUpgradeQuery, refuseUpgrade } from "../http/upgradeParts.js";
import type { Spaces } from "../spaces/spaces.js";
import type { TunnelService } from "./tunnelService.js";

export const TUNNEL_PATH = /^\/api\/spaces\/([^/]+)\/tunnel\/?$/;

export interface TunnelUpgradeDeps {
  auth: Authenticator;
  spaces: Pick<Spaces, "views" | "lifecycle">;
  tunnels: TunnelService;
  /** Browsers never need a tunnel; an Origin is allowed only as the terminal allows one. */
  origins: { allowedOrigins: string[]; publicOrigin?: string };
  logger: Logger;
  /** Several nodes: a tunnel to a space another node owns is relayed there, as the terminal is. */
  forward?: (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<boolean>;
}

/**
 * Serves WebSocket upgrades of GET /api/spaces/:name/tunnel?target=ssh|port=N with the terminal's auth.
 * Every refusal (401, 400, 403 closed by the template, 404, 429) is an HTTP answer before the socket is accepted.
 */
export function attachTunnel(server: Server, deps: TunnelUpgradeDeps): WebSocketServer {
  // Frames are capped: OpenSSH writes at most ~256 KiB at once, and a client's frame is held whole.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: false });
  const log = deps.logger;
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://x");
    const m = TUNNEL_PATH.exec(url.pathname);
    if (!m) return;
    socket.on("error", () => socket.destroy());
    void handle(req, url, m[1]!, socket, head).catch((err) => refuseUpgrade(log, "tunnel", req, socket, toHttpError(err)));
  });

  async function handle(req: IncomingMessage, url: URL, rawName: string, socket: Duplex, head: Buffer): Promise<void> {
    if (deps.forward && (await deps.forward(req, socket, head))) return;
    if (req.method !== "GET") throw new HttpError(404, "NOT_FOUND", `No WebSocket route for ${req.method} ${url.pathname}`);
    if (!originAllowed(req, deps.origins.allowedOrigins, deps.origins.publicOrigin)) {
      throw new HttpError(403, "FORBIDDEN", `Origin ${req.headers.origin} may not open tunnels`);
    }
    const { actor, name, requestId } = identifyUpgrade(req, url, rawName, deps.auth, (t, space) => deps.tunnels.tickets.redeem(t, space));
    const q = parseUpgradeQuery(TunnelQuerySchema, url);
    const who = { actor, requestId };
    const space = await deps.spaces.views.get(name);
    const over = await deps.tunnels.check(name, q);
    if (over) throw new HttpError(429, "LIMIT_REACHED", `Too many tunnels: ${over}`);
    let wake: WakeTier | undefined;
    if (space.status !== "running") wake = await deps.spaces.lifecycle.wake(name, "tunnel", who);
    wss.handleUpgrade(req, socket, head, (ws) => {
      log.info({ url: redactUrl(req.url), space: name, requestId, target: q.target, port: q.port, wake }, "tunnel upgraded");
      deps.tunnels.serve(ws, name, q, who, wake).catch((err) => {
        log.warn({ err, space: name }, "tunnel failed");
        ws.close(1011, "internal error");
      });
    });
  }

  return wss;
}
