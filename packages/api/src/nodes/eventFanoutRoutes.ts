import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { Router } from "express";
import { spaceFrame, startEventStream, taskFrame } from "../events/routes.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import { actorOf } from "../http/actor.js";
import { HttpError } from "../http/httpError.js";
import type { ClusterContext } from "./clusterContext.js";
import type { PeerState } from "./membership.js";
import type { PeerCaller } from "./peerTransport.js";

/** A peer's frame is a few hundred bytes; one that never ends is cut off, not held. */
const MAX_FRAME_BYTES = 256 * 1024;
const RECONNECT_MS = 2_000;

/** Re-labels one SSE frame of a peer with the peer's name; null for comments and anything unparsable. */
export function relabelFrame(frame: string, node: string): string | null {
  const event = /^event: ?(.+)$/m.exec(frame)?.[1];
  const data = /^data: ?(.+)$/m.exec(frame)?.[1];
  // Only the kinds we send: a peer cannot make this stream carry anything else.
  if ((event !== "space" && event !== "task") || !data) return null;
  try {
    const parsed = JSON.parse(data) as Record<string, unknown>;
    if (typeof parsed !== "object" || parsed === null) return null;
    return `event: ${event}\ndata: ${JSON.stringify({ ...parsed, node })}\n\n`;
  } catch {
    return null;
  }
}

/** GET /api/events over every node: this node's events and each peer's, labelled with the node, one stream. */
export function eventFanoutRoutes(ctx: ClusterContext, events: SpaceEvents, opts: { keepAliveMs: number; maxStreams: number }): Router {
  const r = Router();
  let open = 0;
  r.get("/events", (req, res, next) => {
    if (open >= opts.maxStreams) return next(new HttpError(429, "LIMIT_REACHED", `Too many event streams open (${opts.maxStreams}); close one or raise EVENTS_MAX_STREAMS`));
    open++;
    startEventStream(res);
    const self = ctx.membership.self;
    const offs = [events.on((e) => res.write(spaceFrame(e, self))), events.onTask((e) => res.write(taskFrame(e, self))), events.onClose(() => res.end())];
    const relays = ctx.membership.peers().map((p) => relay(ctx, p, actorOf(req, res), res));
    const timer = setInterval(() => res.write(": keep-alive\n\n"), opts.keepAliveMs);
    timer.unref();
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      open--;
      for (const off of offs) off();
      for (const stopRelay of relays) stopRelay();
      clearInterval(timer);
    };
    req.on("close", stop);
    res.on("close", stop);
  });
  return r;
}

/** Follows one peer's stream for as long as the client listens, reconnecting after a drop; returns the stop. */
function relay(ctx: ClusterContext, peer: PeerState, caller: PeerCaller, res: ServerResponse): () => void {
  let stream: Readable | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  const again = () => {
    stream = undefined;
    if (!stopped) retry = setTimeout(connect, RECONNECT_MS).unref();
  };
  const connect = () => {
    ctx.transport.open(peer, "/api/events", caller, ctx.deadlineMs).then((s) => {
      if (stopped) return void s.destroy();
      stream = s;
      const decoder = new StringDecoder("utf8");
      let buf = "";
      s.on("data", (chunk: Buffer) => {
        buf += decoder.write(chunk);
        for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
          const frame = relabelFrame(buf.slice(0, i), peer.name);
          buf = buf.slice(i + 2);
          // A slow client slows the peer's stream, not our memory.
          if (frame && !res.write(frame)) {
            s.pause();
            res.once("drain", () => s.resume());
          }
        }
        if (buf.length > MAX_FRAME_BYTES) s.destroy();
      });
      s.on("error", () => undefined);
      s.on("close", again);
    }, again);
  };
  connect();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    stream?.destroy();
  };
}
