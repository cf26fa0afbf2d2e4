import type { IncomingMessage } from "node:http";
import { ClawdspaceApiError } from "@clawdspace/shared/client";

/** A refused WebSocket upgrade is an ordinary HTTP answer ({error, code}): read it as the REST client would. */
export function upgradeRefusal(res: IncomingMessage, what: string): Promise<ClawdspaceApiError> {
  return new Promise((resolve) => {
    let body = "";
    res.on("data", (c: Buffer) => {
      if (body.length < 64 * 1024) body += c.toString();
    });
    res.on("error", () => resolve(new ClawdspaceApiError(res.statusCode ?? 0, "UNKNOWN", `the ${what} was refused: HTTP ${res.statusCode}`)));
    res.on("end", () => {
      try {
        const parsed = JSON.parse(body) as { error?: string; code?: string; details?: Record<string, unknown> };
        resolve(new ClawdspaceApiError(res.statusCode ?? 0, parsed.code ?? "UNKNOWN", parsed.error ?? `HTTP ${res.statusCode}`, parsed.details));
      } catch {
        resolve(new ClawdspaceApiError(res.statusCode ?? 0, "UNKNOWN", `the ${what} was refused: HTTP ${res.statusCode}`));
      }
    });
  });
}
