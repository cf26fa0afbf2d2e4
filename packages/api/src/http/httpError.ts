import type { ErrorCode, ValidationIssue } from "@clawdspace/shared";
import type { ZodError } from "zod";

/** The one error type routes throw; the final middleware turns it into the contract's JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "HttpError";
  }

  static validation(error: ZodError, where = "request"): HttpError {
    const issues: ValidationIssue[] = error.issues.map((i) => ({
      path: i.path.map(String).join("."),
      message: i.message,
    }));
    const first = issues[0];
    const summary = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "invalid input";
    return new HttpError(400, "VALIDATION_FAILED", `Invalid ${where}: ${summary}`, { issues });
  }
}
