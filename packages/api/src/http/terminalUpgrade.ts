import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { SpaceNameSchema, TerminalQuerySchema, type WakeTier } from "@clawdspace/shared";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import type { Spaces } from "../spaces/spaces.js";
import type { TerminalService } from "../terminal/terminalService.js";
import type { Authenticator } from "./auth.js";
import { toHttpError } from "./errorMiddleware.js";
import { HttpError } from "./httpError.js";
import { redactUrl } from "./logger.js";

const PATH = /^\/api\/spaces\/([^/]+)\/terminal\/?$/;
const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,128}$/;
/** Credentials travel in the query; they are not terminal options. */
const CREDENTIALS = new Set(["key", "ticket"]);

export interface TerminalUpgradeDeps {
  auth: Authenticator;
  spaces: Pick<Spaces, "views" | "lifecycle">;
  terminals: TerminalService;
  logger: Logger;
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
    socket.on("error", () => socket.destroy());
    void handle(req, socket, head).catch((err) => refuse(req, socket, toHttpError(err)));
  });

  const log = deps.logger;

  async function handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const m = PATH.exec(url.pathname);
    if (!m || req.method !== "GET") throw new HttpError(404, "NOT_FOUND", `No WebSocket route for ${url.pathname}`);
    if (!originAllowed(req, deps.terminals.opts.allowedOrigins, deps.terminals.opts.publicOrigin)) {
      throw new HttpError(403, "FORBIDDEN", `Origin ${req.headers.origin} may not open terminals (set TERMINAL_ALLOWED_ORIGINS)`);
    }
    let raw: string;
    try {
      raw = decodeURIComponent(m[1]!);
    } catch {
      raw = m[1]!;
    }
    const nameOk = SpaceNameSchema.safeParse(raw);
    // Auth comes before anything about the space, so an anonymous caller learns nothing.
    let actor = deps.auth.identify(req);
    const ticket = url.searchParams.get("ticket");
    if (!actor && ticket && nameOk.success) actor = deps.terminals.tickets.redeem(ticket, raw);
    if (!actor) throw new HttpError(401, "UNAUTHORIZED", "Missing or invalid API key or ticket: send Authorization: Bearer <key> or ?ticket=");
    if (!nameOk.success) throw new HttpError(400, "VALIDATION_FAILED", `Invalid space name "${raw}"`, { issues: [{ path: "name", message: nameOk.error.issues[0]?.message ?? "invalid" }] });
    const name = nameOk.data;
    const params = Object.fromEntries([...url.searchParams].filter(([k]) => !CREDENTIALS.has(k)));
    const q = TerminalQuerySchema.safeParse(params);
    if (!q.success) {
      const issues = q.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      throw new HttpError(400, "VALIDATION_FAILED", `Invalid query: ${issues[0]?.path}: ${issues[0]?.message}`, { issues });
    }
    if (q.data.mode === "view" && !q.data.session) {
      throw new HttpError(400, "VALIDATION_FAILED", "mode=view attaches to an existing session: give session=ID", { issues: [{ path: "mode", message: "needs session" }] });
    }
    const incoming = req.headers["x-request-id"];
    const requestId = typeof incoming === "string" && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    const who = { actor, requestId };
    const space = await deps.spaces.views.get(name);
    if (q.data.session && !deps.terminals.get(name, q.data.session)) {
      throw new HttpError(404, "NOT_FOUND", `No terminal session ${q.data.session} in space ${name} (it ended; connect without session= for a new one)`);
    }
    const over = deps.terminals.refusal(name, q.data.session);
    if (over) throw new HttpError(429, "LIMIT_REACHED", `Too many terminals: ${over}`);
    let wake: WakeTier | undefined;
    if (space.status !== "running") wake = await deps.spaces.lifecycle.wake(name, "terminal", who);
    // A Claude session in an image without Claude Code is refused here, as a 409, not as a socket that closes.
    if (!q.data.session) await deps.terminals.checkKind(name, q.data.kind);
    wss.handleUpgrade(req, socket, head, (ws) => {
      log.info({ url: redactUrl(req.url), space: name, requestId, wake }, "terminal upgraded");
      deps.terminals.open(ws, name, q.data, who, wake).catch((err) => {
        log.warn({ err, space: name }, "terminal failed");
        ws.close(1011, "internal error");
      });
    });
  }

  function refuse(req: IncomingMessage, socket: Duplex, err: HttpError): void {
    const body = JSON.stringify({ error: err.message, code: err.code, ...(err.details ? { details: err.details } : {}) });
    const level = err.status >= 500 ? "error" : "warn";
    log[level]({ url: redactUrl(req.url), status: err.status, code: err.code }, "terminal upgrade refused");
    if (!socket.writable) return void socket.destroy();
    const reason = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 429: "Too Many Requests", 503: "Service Unavailable" }[err.status] ?? "Error";
    socket.end(
      `HTTP/1.1 ${err.status} ${reason}\r\n` +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        (err.status === 401 ? 'WWW-Authenticate: Bearer realm="clawdspace"\r\n' : "") +
        "Connection: close\r\n\r\n" +
        body,
    );
  }

  return wss;
}
