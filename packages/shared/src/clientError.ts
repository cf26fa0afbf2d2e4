import type { ErrorBody, ValidationIssue } from "./errors.js";

/** A non-2xx answer, carrying the server's stable code so callers can branch on it. */
export class ClawdspaceApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ClawdspaceApiError";
  }

  /** The field issues of a VALIDATION_FAILED answer (`details.issues`), empty for any other. */
  get issues(): ValidationIssue[] {
    const raw = this.details?.issues;
    if (!Array.isArray(raw)) return [];
    return raw
      .filter((i): i is { path?: unknown; message: unknown } => typeof i === "object" && i !== null && typeof (i as { message?: unknown }).message === "string")
      .map((i) => ({ path: Array.isArray(i.path) ? i.path.join(".") : String(i.path ?? ""), message: i.message as string }));
  }
}

export async function toApiError(res: Response): Promise<ClawdspaceApiError> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof body.error === "string") {
      return new ClawdspaceApiError(res.status, body.code ?? "UNKNOWN", body.error, body.details);
    }
  } catch {
    // not JSON: a proxy or an older server answered; fall through to a generic error
  }
  return new ClawdspaceApiError(res.status, "UNKNOWN", `HTTP ${res.status}: ${text.slice(0, 200) || res.statusText}`);
}
