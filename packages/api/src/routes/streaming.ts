import type { Request, Response } from "express";

/** Aborts when the client goes away before the answer is complete. */
export function clientGone(_req: Request, res: Response): AbortSignal {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort(new Error("client disconnected"));
  });
  return controller.signal;
}

/** Writes a chunk; when the socket is full, the returned promise holds the source back until it drains. */
export function writeWithBackpressure(res: Response, chunk: Buffer | string): void | Promise<void> {
  if (res.destroyed || res.write(chunk)) return;
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
