import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex, Readable } from "node:stream";
import type { PeerSpec } from "./nodeConfig.js";

/** Who asked, carried to the owner so its audit event names the person, never their key. */
export interface PeerCaller {
  /** The key's name on the entry node; absent: the owner must authenticate itself (a terminal ticket). */
  actor?: string;
  requestId?: string;
}

export interface PeerCall extends PeerCaller {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path and query, starting at /api. */
  path: string;
  body?: unknown;
  timeoutMs: number;
}

export interface PeerAnswer {
  status: number;
  body: unknown;
}

/**
 * How one node talks to another. The HTTP adapter is the only one that opens sockets; unit tests hand
 * the cluster an in-memory fake. Every request carries the cluster secret, never the user's key.
 */
export interface PeerTransport {
  /** A JSON request answered whole within timeoutMs; a peer that does not answer is a PeerUnreachableError. */
  call(peer: PeerSpec, call: PeerCall): Promise<PeerAnswer>;
  /** Relays a request and its answer as streams (backpressure both ways, nothing buffered); settles when the answer ends. */
  forward(peer: PeerSpec, req: IncomingMessage, res: ServerResponse, path: string, caller: PeerCaller): Promise<void>;
  /** Relays an upgrade (a WebSocket) byte for byte once the peer accepts it; its refusal goes back as it came. */
  upgrade(peer: PeerSpec, req: IncomingMessage, socket: Duplex, head: Buffer, path: string, caller: PeerCaller): void;
  /** A long-lived answer (an event stream) as a readable; destroy it to hang up. */
  open(peer: PeerSpec, path: string, caller: PeerCaller, timeoutMs: number): Promise<Readable>;
}

/** The peer did not answer (refused, timed out, reset): the cluster serves what it last knew. */
export class PeerUnreachableError extends Error {
  constructor(
    readonly peer: string,
    readonly reason: string,
  ) {
    super(`node ${peer} is unreachable: ${reason}`);
    this.name = "PeerUnreachableError";
  }
}

export const CLUSTER_HEADER = "x-clawdspace-cluster";
export const ACTOR_HEADER = "x-clawdspace-actor";
export const VIA_HEADER = "x-clawdspace-via";

/** Strips the user's credentials from a path before it goes to another node: ?key= stays on the entry node. */
export function peerPath(originalUrl: string): string {
  const u = new URL(originalUrl, "http://x");
  u.searchParams.delete("key");
  const q = u.searchParams.toString();
  return `${u.pathname}${q ? `?${q}` : ""}`;
}
