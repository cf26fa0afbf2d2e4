import { ClawdspaceApiError } from "@clawdspace/shared/client";
import { EXIT } from "./exitCodes.js";

/** An error the CLI reports as one line: `clawdspace: <message> (<CODE>)`, then exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode: number = EXIT.FAILURE,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(message, "USAGE", EXIT.USAGE);

const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET"]);

function networkCode(e: unknown): string | undefined {
  for (let cur = e as { code?: string; cause?: unknown } | undefined, depth = 0; cur && depth < 4; cur = cur.cause as typeof cur, depth++) {
    if (typeof cur.code === "string" && NETWORK_CODES.has(cur.code)) return cur.code;
  }
  return undefined;
}

/** Turns anything thrown into a CliError with a stable code and exit code. */
export function toCliError(e: unknown, serverUrl?: string): CliError {
  if (e instanceof CliError) return e;
  if (e instanceof ClawdspaceApiError) {
    const issues = (e.details as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues;
    let message = e.message;
    const extra = issues?.filter((i) => !message.includes(i.message)).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    if (extra?.length) message += `: ${extra.join("; ")}`;
    if (e.status === 401) return new CliError(`${message}; check CLAWDSPACE_KEY or run: clawdspace config <url> <key>`, e.code, EXIT.AUTH);
    if (e.status === 403) return new CliError(message, e.code, EXIT.AUTH);
    if (e.status === 404) return new CliError(message, e.code, EXIT.NOT_FOUND);
    if (e.status === 503) return new CliError(message, e.code, EXIT.UNAVAILABLE);
    return new CliError(message, e.code, EXIT.FAILURE);
  }
  const net = networkCode(e);
  if (net) {
    return new CliError(`cannot reach the server at ${serverUrl ?? "?"} (${net}); is it running? (set CLAWDSPACE_URL or run: clawdspace config <url> <key>)`, "UNREACHABLE", EXIT.UNAVAILABLE);
  }
  if ((e as Error)?.name === "TimeoutError") return new CliError(`the server at ${serverUrl ?? "?"} did not answer in time`, "UNREACHABLE", EXIT.UNAVAILABLE);
  const err = e as NodeJS.ErrnoException;
  if (err?.code === "ENOENT" || err?.code === "EACCES" || err?.code === "EISDIR" || err?.code === "ENOTDIR") {
    return new CliError(err.message, err.code, err.code === "ENOENT" ? EXIT.NOT_FOUND : EXIT.FAILURE);
  }
  return new CliError(err?.message ?? String(e), "INTERNAL", EXIT.FAILURE);
}
