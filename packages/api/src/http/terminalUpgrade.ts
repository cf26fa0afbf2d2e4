import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { TerminalQuerySchema, type WakeTier } from "@clawdspace/shared";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import type { Spaces } from "../spaces/spaces.js";
import type { TerminalService } from "../terminal/terminalService.js";
import type { Authenticator } from "./auth.js";
import { toHttpError } from "./errorMiddleware.js";
import { HttpError } from "./httpError.js";
import { redactUrl } from "./logger.js";
import { identifyUpgrade, parseUpgradeQuery, refuseUpgrade } from "./upgradeParts.js";

const PATH = /^\/api\/spaces\/([^/]+)\/terminal\/?$/;

export interface TerminalUpgradeDeps {
  auth: Authenticator;
  spaces: Pick<Spaces, "views" | "lifecycle">;
  terminals: TerminalService;
  logger: Logger;
  /** Paths served by another upgrade handler on the same server. */
  otherPaths?: RegExp[];
  /** Several nodes: an upgrade for a space another node owns is relayed there (nodes/upgradeForward.ts). */
  forward?: (req: IncomingMessage, socket: Duplex, head: Buffer) => Promise<boolean>;
}

/**
 * A browser may open the terminal from the server's own origin or one configured; tools send no Origin.
 * With a public URL configured, "our own origin" is that URL's, never whatever the Host header says
 * (which a rebinding page or a proxy controls).
 */
export function originAllowed(req: IncomingMessage, allowed: string[], publicOrigin?: string): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes("*") || allowed.includes(origin)) return true;
  if (publicOrigin) return origin === publicOrigin;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Serves WebSocket upgrades of GET /api/spaces/:name/terminal with the REST auth
 * (bearer, ?key=, or a single-use ?ticket=). A refusal is a real HTTP answer written
 * on the socket, never an accepted socket that closes.
 */
export function attachTerminal(server: Server, deps: TerminalUpgradeDeps): WebSocketServer {
  // Frames are capped (a pasted megabyte is fine, more is not a keystroke).
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * 1024 * 1024 });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Another upgrade (the tunnel) owns this path: it answers, and this one stays out of it.
    if (deps.otherPaths?.some((p) => p.test(new URL(req.url ?? "/", "http://x").pathname))) return;
    socket.on("error", () => socket.destroy());
    void handle(req, socket, head).catch((err) => refuseUpgrade(log, "terminal", req, socket, toHttpError(err)));
  });

  const log = deps.logger;

  async function handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (deps.forward && (await deps.forward(req, socket, head))) return;
    const url = new URL(req.url ?? "/", "http://x");
    const m = PATH.exec(url.pathname);
    if (!m || req.method !== "GET") throw new HttpError(404, "NOT_FOUND", `No WebSocket route for ${url.pathname}`);
    if (!originAllowed(req, deps.terminals.opts.allowedOrigins, deps.terminals.opts.publicOrigin)) {
      throw new HttpError(403, "FORBIDDEN", `Origin ${req.headers.origin} may not open terminals (set TERMINAL_ALLOWED_ORIGINS)`);
    }
    const { actor, name, requestId } = identifyUpgrade(req, url, m[1]!, deps.auth, (t, space) => deps.terminals.tickets.redeem(t, space));
    const query = parseUpgradeQuery(TerminalQuerySchema, url);
    if (query.mode === "view" && !query.session) {
      throw new HttpError(400, "VALIDATION_FAILED", "mode=view attaches to an existing session: give session=ID", { issues: [{ path: "mode", message: "needs session" }] });
    }
    const who = { actor, requestId };
    const space = await deps.spaces.views.get(name);
    if (query.session && !deps.terminals.get(name, query.session)) {
      throw new HttpError(404, "NOT_FOUND", `No terminal session ${query.session} in space ${name} (it ended; connect without session= for a new one)`);
    }
    const over = deps.terminals.refusal(name, query.session);
    if (over) throw new HttpError(429, "LIMIT_REACHED", `Too many terminals: ${over}`);
    let wake: WakeTier | undefined;
    if (space.status !== "running") wake = await deps.spaces.lifecycle.wake(name, "terminal", who);
    // A Claude session in an image without Claude Code is refused here, as a 409, not as a socket that closes.
    if (!query.session) await deps.terminals.checkKind(name, query.kind);
    wss.handleUpgrade(req, socket, head, (ws) => {
      log.info({ url: redactUrl(req.url), space: name, requestId, wake }, "terminal upgraded");
      deps.terminals.open(ws, name, query, who, wake).catch((err) => {
        log.warn({ err, space: name }, "terminal failed");
        ws.close(1011, "internal error");
      });
    });
  }

  return wss;
}
