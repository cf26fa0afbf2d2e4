import type { Request, Response } from "express";

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
