import express, { type RequestHandler } from "express";
import { HttpError } from "./httpError.js";

function hasBody(req: Parameters<RequestHandler>[0]): boolean {
  const len = req.headers["content-length"];
  return (len !== undefined && len !== "0") || req.headers["transfer-encoding"] !== undefined;
}

/**
 * A chunked body announces no length: express.json would see it pass the limit and then wait for
 * its end before answering (it reads the rest off first), which an endless body never reaches.
 * Read here instead, and answer 413 the moment the limit is passed (the 413 closes the connection).
 */
const isChunked = (req: Parameters<RequestHandler>[0]) => req.headers["content-length"] === undefined && req.headers["transfer-encoding"] !== undefined;

function chunkedJson(limitBytes: number): RequestHandler {
  return (req, _res, next) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      req.off("data", onData).off("end", onEnd).off("error", finish);
      if (err) return next(err);
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        req.body = text.trim() === "" ? {} : JSON.parse(text);
      } catch {
        return next(Object.assign(new Error("invalid JSON"), { type: "entity.parse.failed" }));
      }
      next();
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limitBytes) {
        return finish(new HttpError(413, "PAYLOAD_TOO_LARGE", `Request body is larger than the limit of ${limitBytes} bytes`));
      }
      chunks.push(c);
    };
    const onEnd = () => finish();
    req.on("data", onData).on("end", onEnd).on("error", finish);
  };
}

/** JSON bodies only: another media type with a body is a 415, not a silently empty body. */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (hasBody(req) && !req.is(["application/json", "application/*+json"])) {
      return next(new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json"));
    }
    // Refused before reading: the parser would read (and wait for) the whole announced body first.
    const announced = Number(req.headers["content-length"] ?? 0);
    if (announced > limitBytes) {
      return next(new HttpError(413, "PAYLOAD_TOO_LARGE", `Request body is larger than the limit of ${limitBytes} bytes`));
    }
    next();
  };
  const chunked = chunkedJson(limitBytes);
  const json = express.json({ limit: limitBytes, strict: false });
  // One parser step (callers compose [check, parse]): a chunked body is read here, a sized one by express.json.
  const parse: RequestHandler = (req, res, next) => (isChunked(req) ? chunked(req, res, next) : json(req, res, next));
  return [requireJson, parse];
}
