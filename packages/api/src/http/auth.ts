import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { HttpError } from "./httpError.js";

export interface Authenticator {
  /** The caller's identity (the key's name) or null. */
  identify(req: IncomingMessage): string | null;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Bearer header or ?key= (Clawdspace compatibility); compared in constant time. */
export function keyAuthenticator(keys: Array<{ name: string; key: string }>): Authenticator {
  const known = keys.map((k) => ({ name: k.name, digest: digest(k.key) }));
  return {
    identify(req) {
      const presented = presentedKey(req);
      if (presented === null) return null;
      const d = digest(presented);
      let match: string | null = null;
      for (const k of known) if (timingSafeEqual(d, k.digest)) match = k.name;
      return match;
    },
  };
}

export const openAuthenticator: Authenticator = { identify: () => "anonymous" };

export function presentedKey(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    return m ? m[1]!.trim() : null;
  }
  const url = new URL(req.url ?? "/", "http://x");
  return url.searchParams.get("key");
}

export function requireAuth(auth: Authenticator): RequestHandler {
  return (req, res, next) => {
    const who = auth.identify(req);
    if (!who) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="clawdspace"');
      return next(new HttpError(401, "UNAUTHORIZED", "Missing or invalid API key: send Authorization: Bearer <key>"));
    }
    res.locals.actor = who;
    next();
  };
}
