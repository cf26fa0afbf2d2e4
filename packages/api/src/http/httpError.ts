import type { ErrorCode } from "@clawdspace/shared";

/** An HTTP answer at the edge: what the error middleware and the terminal upgrade refusal send. */
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
}
