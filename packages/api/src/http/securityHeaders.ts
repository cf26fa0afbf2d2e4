import type { RequestHandler } from "express";
import { HttpError } from "./httpError.js";

/**
 * Headers every answer carries. The dashboard loads no inline script and is never framed; the
 * style allowance is for the terminal, which sets its theme through a style element.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader("Content-Security-Policy", CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  next();
};

const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i;

/**
 * With auth off (loopback only), a page on another site could still reach us through a DNS name
 * that resolves to 127.0.0.1 (DNS rebinding): such a request carries that name as its Host.
 */
export const loopbackHostOnly: RequestHandler = (req, _res, next) => {
  const host = req.headers.host ?? "";
  if (LOOPBACK_HOST.test(host)) return next();
  next(new HttpError(403, "FORBIDDEN", `Host "${host.slice(0, 100)}" is not a loopback name; with authentication disabled only localhost, 127.0.0.1 and [::1] are served`));
};
