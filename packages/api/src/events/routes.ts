import { HttpError } from "../http/httpError.js";
import { Router } from "express";
import type { ServerResponse } from "node:http";
import type { TaskChangeEvent } from "@clawdspace/shared";
import type { SpaceEvent, SpaceEvents } from "./spaceEvents.js";

/** One `event: space` frame; `node` names the node in a stream merged from several. */
export const spaceFrame = (e: SpaceEvent, node?: string) =>
  `event: space\ndata: ${JSON.stringify({ space: e.space, state: e.state, cause: e.cause, at: new Date(e.at).toISOString(), ...(node ? { node } : {}) })}\n\n`;
export const taskFrame = (e: TaskChangeEvent, node?: string) => `event: task\ndata: ${JSON.stringify(node ? { ...e, node } : e)}\n\n`;

export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.write("retry: 2000\n: connected\n\n");
}

/**
 * Server-sent events of space state changes (`event: space`), task starts and ends (`event: task`) and
 * audit appends (`event: audit`: id and type only), so a dashboard sees the worker pausing a space or
 * another client creating one at once, without polling every space. A comment line every
 * keepAliveMs keeps proxies and idle timeouts from closing a quiet stream.
 */
export function eventRoutes(events: SpaceEvents, keepAliveMs: number, maxStreams = 64): Router {
  const r = Router();
  let open = 0;
  r.get("/events", (req, res, next) => {
    // Each stream is a socket and a listener held for as long as the client likes: bounded.
    if (open >= maxStreams) return next(new HttpError(429, "LIMIT_REACHED", `Too many event streams open (${maxStreams}); close one or raise EVENTS_MAX_STREAMS`));
    open++;
    startEventStream(res);
    const off = events.on((e) => res.write(spaceFrame(e)));
    const offTask = events.onTask((e) => res.write(taskFrame(e)));
    const offAudit = events.onAudit((e) => res.write(`event: audit\ndata: ${JSON.stringify(e)}\n\n`));
    const timer = setInterval(() => res.write(": keep-alive\n\n"), keepAliveMs);
    timer.unref();
    // A shutdown must not wait out the grace period for open dashboards: end the stream, they reconnect.
    const offClose = events.onClose(() => res.end());
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      open--;
      off();
      offTask();
      offAudit();
      offClose();
      clearInterval(timer);
    };
    req.on("close", stop);
    res.on("close", stop);
  });
  return r;
}
