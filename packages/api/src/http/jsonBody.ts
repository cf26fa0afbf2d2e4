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
    next();
  };
  return [requireJson, express.json({ limit: limitBytes, strict: false })];
}
