import {
  ConflictError,
  EngineObjectNotFoundError,
  ImageNotFoundError,
  InvalidSpecError,
  RuntimeError,
  RuntimeUnavailableError,
  type ConflictReason,
} from "../errors.js";

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ENOENT", "EACCES", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/** What dockerode throws: an HTTP status from the engine, or a socket error code. */
export interface DockerApiError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  reason?: string;
  message?: string;
}

function engineMessage(err: DockerApiError): string {
  return err.json?.message ?? err.reason ?? err.message ?? "unknown engine error";
}

function conflictReason(msg: string): ConflictReason {
  if (/is paused|already paused/i.test(msg)) return "paused";
  if (/is not running|is restarting|not running/i.test(msg)) return "not-running";
  if (/already in use|conflict\. the container name/i.test(msg)) return "exists";
  if (/in progress/i.test(msg)) return "in-progress";
  return "other";
}

const PLAIN: Partial<Record<ConflictReason, string>> = {
  paused: "The space is paused",
  "not-running": "The space is not running",
  exists: "A container with this space's name already exists",
};

/**
 * The one translation of engine failures into our typed errors: 404 becomes the caller's
 * not-found error (or EngineObjectNotFoundError), 409 a ConflictError with its reason.
 */
export function translate(e: unknown, on404?: () => RuntimeError): Error {
  const err = e as DockerApiError;
  if (err instanceof RuntimeError) return err;
  if (err.code && UNAVAILABLE_CODES.has(err.code)) return new RuntimeUnavailableError(err);
  const msg = engineMessage(err);
  switch (err.statusCode) {
    case 404:
      if (/no such image/i.test(msg)) return new ImageNotFoundError(msg.replace(/^no such image:\s*/i, ""));
      return on404 ? on404() : new EngineObjectNotFoundError(msg);
    case 409: {
      const reason = conflictReason(msg);
      return new ConflictError(PLAIN[reason] ?? msg, reason);
    }
    case 400:
      return new InvalidSpecError(msg);
    default:
      if (/minimum memory|range of cpus|cpus available/i.test(msg)) return new InvalidSpecError(msg);
      if (/could not select device driver/i.test(msg)) return new InvalidSpecError(`this node cannot give a space a GPU (${msg})`);
      return new RuntimeError(msg, { cause: err });
  }
}

/** Absence as a typed result: an engine object that does not exist reads as null. */
export async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof EngineObjectNotFoundError) return null;
    throw e;
  }
}

/** Docker answers 304 for "already started/stopped": the state we wanted. */
export async function ignoreNotModified(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const cause = (e as { cause?: DockerApiError }).cause;
    if (cause?.statusCode === 304) return;
    throw e;
  }
}
