import express, { type RequestHandler } from "express";
import { HttpError } from "./httpError.js";

function hasBody(req: Parameters<RequestHandler>[0]): boolean {
  const len = req.headers["content-length"];
  return (len !== undefined && len !== "0") || req.headers["transfer-encoding"] !== undefined;
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
  return [requireJson, express.json({ limit: limitBytes, strict: false })];
}
