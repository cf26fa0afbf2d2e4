import type { ErrorCode, ValidationIssue } from "@clawdspace/shared";
import type { ZodError } from "zod";

/**
 * Failures a service reports in the caller's terms, with the contract's stable code.
 * Services know nothing of HTTP: the edge (http/errorMapping.ts) gives each kind its status.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input cannot be acted on; details.issues says where, as every validation failure must. */
export class InvalidInputError extends DomainError {
  readonly code = "VALIDATION_FAILED";
  constructor(message: string, issues: ValidationIssue[]) {
    super(message, { issues });
  }

  /** One issue at `path`, with the message prefixed the way request validation words it. */
  static at(where: string, path: string, message: string): InvalidInputError {
    return new InvalidInputError(`Invalid ${where}: ${path}: ${message}`, [{ path, message }]);
  }

  static fromZod(error: ZodError, where: string): InvalidInputError {
    const { message, issues } = summarizeZod(error, where);
    return new InvalidInputError(message, issues);
  }
}

/** A named thing other than a space (a template, a terminal session) that does not exist. */
export class NotFoundError extends DomainError {
  readonly code = "NOT_FOUND";
}

/** The request collides with the current state of things. */
export class StateConflictError extends DomainError {
  constructor(
    readonly code: "SPACE_EXISTS" | "SPACE_STATE_CONFLICT" | "FILE_CONFLICT" | "TEMPLATE_BUILTIN" | "PROJECT_CONFLICT",
    message: string,
  ) {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = "FORBIDDEN";
}

export class TooLargeError extends DomainError {
  readonly code = "PAYLOAD_TOO_LARGE";
}

/** A step of creating a space inside it (a git clone) failed for a reason the caller can fix. */
export class SetupFailedError extends DomainError {
  readonly code = "REPO_CLONE_FAILED";
}

/** The audit log cannot be written (a full disk): what needs recording cannot be vouched for. */
export class AuditUnavailableError extends DomainError {
  readonly code = "AUDIT_UNAVAILABLE";
}

/** A zod failure as the contract's issues, with a one-line summary naming the first. */
export function summarizeZod(error: ZodError, where: string): { message: string; issues: ValidationIssue[] } {
  // An unknown field is named by its own path, so a typo ("memroy") points at itself.
  const issues: ValidationIssue[] = error.issues.flatMap((i) => {
    const at = i.path.map(String);
    if (i.code === "unrecognized_keys") return i.keys.map((k) => ({ path: [...at, k].join("."), message: `unknown field "${k}"` }));
    return [{ path: at.join("."), message: i.message }];
  });
  const first = issues[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "invalid input";
  return { message: `Invalid ${where}: ${summary}`, issues };
}
