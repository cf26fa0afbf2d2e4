import type { ErrorRequestHandler, RequestHandler } from "express";
import {
  ConflictError,
  FileNotFoundError,
  FileTypeError,
  ImageNotFoundError,
  PathOutsideError,
  InvalidSpecError,
  RuntimeError,
  RuntimeUnavailableError,
  SpaceNotFoundError,
} from "../engine/errors.js";
import type { ErrorCode } from "@clawdspace/shared";
import { DomainError } from "../core/errors.js";
import { HttpError } from "./httpError.js";
import { InternalDeadline, InternalOutputTooLarge } from "../engine/internalExec.js";

/** The status of each code a service may raise: the one place domain errors meet HTTP. */
const DOMAIN_STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  REPO_CLONE_FAILED: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SPACE_EXISTS: 409,
  SPACE_STATE_CONFLICT: 409,
  FILE_CONFLICT: 409,
  TEMPLATE_BUILTIN: 409,
  PROJECT_CONFLICT: 409,
  TASK_STATE_CONFLICT: 409,
  TASKS_UNSUPPORTED: 409,
  TASK_START_FAILED: 502,
  AGENT_UNSUPPORTED: 409,
  SPACE_AGENT_FAILED: 502,
  PAYLOAD_TOO_LARGE: 413,
  LIMIT_REACHED: 429,
  AUDIT_UNAVAILABLE: 503,
};

/** A 400 VALIDATION_FAILED that, as the contract asks of every validation failure, carries details.issues. */
const invalid = (message: string) => new HttpError(400, "VALIDATION_FAILED", message, { issues: [{ path: "", message }] });

/** Maps what services, the engine and body parsers throw to HttpErrors; anything else is a bug (500). */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof DomainError) return new HttpError(DOMAIN_STATUS[err.code] ?? 500, err.code, err.message, err.details);
  if (err instanceof SpaceNotFoundError) return new HttpError(404, "SPACE_NOT_FOUND", err.message);
  if (err instanceof PathOutsideError) {
    return new HttpError(400, "VALIDATION_FAILED", err.message, { issues: [{ path: "path", message: "resolves outside /workspace" }] });
  }
  if (err instanceof FileNotFoundError) return new HttpError(404, "NOT_FOUND", err.message);
  if (err instanceof FileTypeError) return new HttpError(409, "FILE_CONFLICT", err.message);
  if (err instanceof ImageNotFoundError) return new HttpError(400, "IMAGE_NOT_FOUND", err.message, { image: err.image });
  if (err instanceof InvalidSpecError) return invalid(`The engine refused the request: ${err.message}`);
  if (err instanceof ConflictError) {
    return err.reason === "exists"
      ? new HttpError(409, "SPACE_EXISTS", err.message)
      : new HttpError(409, "SPACE_STATE_CONFLICT", err.message);
  }
  if (err instanceof RuntimeUnavailableError) return new HttpError(503, "RUNTIME_UNAVAILABLE", err.message);
  if (err instanceof RuntimeError) return new HttpError(502, "RUNTIME_ERROR", `The engine failed: ${err.message}`);
  if (err instanceof InternalDeadline || err instanceof InternalOutputTooLarge) return new HttpError(502, "RUNTIME_ERROR", `The space did not answer as expected: ${err.message}`);
  const bodyErr = err as { type?: string; status?: number; limit?: number };
  switch (bodyErr?.type) {
    case "entity.too.large":
      return new HttpError(413, "PAYLOAD_TOO_LARGE", `Request body is larger than the limit of ${bodyErr.limit} bytes`);
    case "entity.parse.failed":
      return invalid("Request body is not valid JSON");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported body encoding");
    case "request.aborted":
      return invalid("Request body was aborted");
  }
  if (typeof bodyErr?.status === "number" && bodyErr.status >= 400 && bodyErr.status < 500) {
    const message = (err as Error).message || "Bad request";
    return new HttpError(bodyErr.status, "VALIDATION_FAILED", message, { issues: [{ path: "", message }] });
  }
  return new HttpError(500, "INTERNAL", "Internal server error");
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, "NOT_FOUND", `No route for ${req.method} ${req.originalUrl.split("?")[0]}`));
};

export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  const httpErr = toHttpError(err);
  if (httpErr.status >= 500) req.log?.error({ err }, "request failed");
  else req.log?.debug({ code: httpErr.code }, httpErr.message);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A client without the key, with a body over the limit, or with a chunked body refused before it
  // all came (it may never end) may still be sending it: answer, then hang up instead of reading
  // (or waiting for) the rest. A sized body refused early is read off as usual: its end is known.
  const unboundedRest = !req.complete && req.headers["content-length"] === undefined && req.headers["transfer-encoding"] !== undefined;
  const hangUp = httpErr.status === 401 || httpErr.status === 413 || unboundedRest;
  if (hangUp) {
    res.setHeader("Connection", "close");
    // Taken now: by "finish" the response may have let go of its socket (req.socket is then null).
    const socket = req.socket;
    res.once("finish", () => socket?.destroySoon());
  }
  res.status(httpErr.status).json({ error: httpErr.message, code: httpErr.code, ...(httpErr.details ? { details: httpErr.details } : {}) });
};
