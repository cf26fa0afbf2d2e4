import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { SpaceNameSchema } from "@clawdspace/shared";
import type { Logger } from "pino";
import type { z } from "zod";
import type { Authenticator } from "./auth.js";
import { HttpError } from "./httpError.js";
import { redactUrl } from "./logger.js";

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,128}$/;

/** What the WebSocket upgrades (terminal, tunnel) share: who asks, about which space, under which request id. */
export interface UpgradeCaller {
  actor: string;
  name: string;
  requestId: string;
}

/**
 * Auth before anything about the space, so an anonymous caller learns nothing: bearer or ?key= through
 * the REST authenticator, else a single-use ticket bound to the space. Then the name is validated.
 */
export function identifyUpgrade(req: IncomingMessage, url: URL, rawName: string, auth: Authenticator, redeem: (ticket: string, space: string) => string | null): UpgradeCaller {
  let raw: string;
  try {
    raw = decodeURIComponent(rawName);
  } catch {
    raw = rawName;
  }
  const nameOk = SpaceNameSchema.safeParse(raw);
  let actor = auth.identify(req);
  const ticket = url.searchParams.get("ticket");
  if (!actor && ticket && nameOk.success) actor = redeem(ticket, raw);
  if (!actor) throw new HttpError(401, "UNAUTHORIZED", "Missing or invalid API key or ticket: send Authorization: Bearer <key> or ?ticket=");
  if (!nameOk.success) throw new HttpError(400, "VALIDATION_FAILED", `Invalid space name "${raw}"`, { issues: [{ path: "name", message: nameOk.error.issues[0]?.message ?? "invalid" }] });
  const incoming = req.headers["x-request-id"];
  const requestId = typeof incoming === "string" && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
  return { actor, name: nameOk.data, requestId };
}

/** A refused upgrade is a real HTTP answer written on the socket, never an accepted socket that closes. */
export function refuseUpgrade(log: Logger, what: string, req: IncomingMessage, socket: Duplex, err: HttpError): void {
  const body = JSON.stringify({ error: err.message, code: err.code, ...(err.details ? { details: err.details } : {}) });
  const level = err.status >= 500 ? "error" : "warn";
  log[level]({ url: redactUrl(req.url), status: err.status, code: err.code }, `${what} upgrade refused`);
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

/** Credentials travel in the query; they are not options of the route. */
const CREDENTIALS = new Set(["key", "ticket"]);

/** The upgrade's query (credentials left out) through its schema; a failure is the usual 400 with issues. */
export function parseUpgradeQuery<T extends z.ZodType>(schema: T, url: URL): z.output<T> {
  const params = Object.fromEntries([...url.searchParams].filter(([k]) => !CREDENTIALS.has(k)));
  const q = schema.safeParse(params);
  if (q.success) return q.data;
  const issues = q.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  throw new HttpError(400, "VALIDATION_FAILED", `Invalid query: ${issues[0]?.path}: ${issues[0]?.message}`, { issues });
}
