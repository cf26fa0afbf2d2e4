import type { Request, Response } from "express";
import type { ByteSink } from "../engine/ports/files.js";
import { toHttpError } from "./errorMiddleware.js";

/** Aborts when the client goes away before the answer is complete. */
export function clientGone(_req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort(new Error("client disconnected"));
  });
  return controller.signal;
}

const draining = new WeakMap<Response, Promise<void>>();

/**
 * Writes a chunk; when the socket is full, the returned promise holds the source back until
 * it drains. Writers that keep going share one wait, so listeners never pile up.
 */
export function writeWithBackpressure(res: Response, chunk: Buffer | string): void | Promise<void> {
  if (res.destroyed) return;
  const pending = draining.get(res);
  if (res.write(chunk) && !pending) return;
  if (pending) return pending;
  const wait = new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      draining.delete(res);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
  draining.set(res, wait);
  return wait;
}

/**
 * An NDJSON answer. The headers go out with the first line, so a failure before any line is
 * still a real HTTP status (`fail` rethrows it); after, it becomes a last `{error, code}` line.
 */
export function ndjsonAnswer<T>(req: Request, res: Response, extraHeaders: () => Record<string, string> = () => ({})) {
  const write = (line: T): void | Promise<void> => {
    if (!res.headersSent) {
      res.status(200).setHeader("Content-Type", "application/x-ndjson; charset=utf-8");
      res.setHeader("Cache-Control", "no-store");
      res.setHeader("X-Accel-Buffering", "no");
      for (const [k, v] of Object.entries(extraHeaders())) res.setHeader(k, v);
      res.flushHeaders();
    }
    return writeWithBackpressure(res, `${JSON.stringify(line)}\n`);
  };
  const fail = (e: unknown, signal: AbortSignal, what: string): void => {
    if (signal.aborted) return;
    if (!res.headersSent) throw e;
    const err = toHttpError(e);
    req.log?.warn({ err: e }, `${what} failed after it began`);
    if (!res.writableEnded && !res.destroyed) res.end(`${JSON.stringify({ error: err.message, code: err.code })}\n`);
  };
  return { write, fail };
}

/**
 * A streamed answer: headers go out with the first byte (so a wake still reaches its header,
 * and an error before any byte is still a real status); an error after that cuts the stream.
 */
export async function streamOut(req: Request, res: Response, contentType: string, run: (sink: ByteSink, signal: AbortSignal) => Promise<unknown>, filename?: string) {
  const signal = clientGone(req, res);
  const begin = () => {
    if (res.headersSent) return;
    res.status(200).setHeader("Content-Type", contentType);
    res.setHeader("Cache-Control", "no-store");
    if (filename) res.setHeader("Content-Disposition", `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`);
  };
  try {
    await run((chunk) => {
      begin();
      return writeWithBackpressure(res, chunk);
    }, signal);
  } catch (e) {
    if (signal.aborted) return;
    if (!res.headersSent) throw e;
    req.log?.warn({ err: e }, "file stream failed after it began");
    res.destroy();
    return;
  }
  begin();
  res.end();
}

