import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pino, type Logger } from "pino";
import { pinoHttp } from "pino-http";
import { maskDeep, maskString } from "../core/mask.js";

/** Strips credentials from a URL before it is logged. */
const SECRET_PARAMS = new Set(["key", "ticket", "token", "api_key", "apikey"]);

export function redactUrl(url: string | undefined): string {
  if (!url) return "";
  const q = url.indexOf("?");
  if (q < 0) return url;
  const hash = url.indexOf("#", q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  // Names are compared decoded, so "%6Bey=" (which the server reads as key=) is caught too.
  const parts = query.split("&").map((part) => {
    const eq = part.indexOf("=");
    const rawName = eq < 0 ? part : part.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, " "));
    } catch {
      // undecodable: compare as written
    }
    return SECRET_PARAMS.has(name.trim().toLowerCase()) && eq >= 0 ? `${rawName}=[REDACTED]` : part;
  });
  return `${url.slice(0, q)}?${parts.join("&")}${hash < 0 ? "" : url.slice(hash)}`;
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "clawdspace" },
      redact: {
        paths: [
          "req.headers.authorization",
          "req.headers.cookie",
          "req.headers['x-api-key']",
          "apiKey",
          "key",
          "*.apiKey",
          // request content that must never be logged whole: commands, env values, stdin, file bodies
          "command",
          "*.command",
          "env",
          "*.env",
          "stdin",
          "*.stdin",
          "contentBase64",
          "*.contentBase64",
        ],
        censor: "[REDACTED]",
      },
      // Whatever a feature logs (an error quoting a command, a message built from input) passes the masker.
      hooks: {
        logMethod(args, method) {
          return method.apply(this, args.map((a) => (typeof a === "string" ? maskString(a) : a)) as Parameters<typeof method>);
        },
      },
      formatters: {
        log: (obj) => maskDeep(obj),
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,128}$/;

export function httpLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const incoming = req.headers["x-request-id"];
      const id = typeof incoming === "string" && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
      res.setHeader("X-Request-Id", id);
      return id;
    },
    customLogLevel(_req, res, err) {
      if (err || res.statusCode >= 500) return "error";
      if (res.statusCode >= 400) return "warn";
      return "info";
    },
    autoLogging: { ignore: (req) => req.url === "/api/health" },
    serializers: {
      req(req: { id: string; method: string; url: string; remoteAddress?: string }) {
        return { id: req.id, method: req.method, url: redactUrl(req.url), remoteAddress: req.remoteAddress };
      },
      res(res: { statusCode: number }) {
        return { statusCode: res.statusCode };
      },
    },
  });
}
