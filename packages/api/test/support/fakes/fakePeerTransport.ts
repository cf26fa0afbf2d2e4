import type { PeerSpec } from "../../../src/nodes/nodeConfig.js";
import { PeerUnreachableError, type PeerAnswer, type PeerCall, type PeerTransport } from "../../../src/nodes/peerTransport.js";

type Handler = (call: PeerCall) => PeerAnswer | Promise<PeerAnswer>;

/** Peers as functions of the call: the membership and fan-out logic without sockets. Streams are not faked. */
export class FakePeerTransport implements PeerTransport {
  readonly handlers = new Map<string, Handler>();
  readonly down = new Set<string>();
  readonly calls: Array<{ peer: string; call: PeerCall }> = [];

  on(url: string, handler: Handler): this {
    this.handlers.set(url, handler);
    return this;
  }

  async call(peer: PeerSpec, call: PeerCall): Promise<PeerAnswer> {
    this.calls.push({ peer: peer.name, call });
    const h = this.handlers.get(peer.url);
    if (this.down.has(peer.url) || !h) throw new PeerUnreachableError(peer.name, "connect ECONNREFUSED");
    return h(call);
  }

  forward(): Promise<void> {
    throw new Error("FakePeerTransport does not relay streams (the HTTP transport is tested over loopback)");
  }

  upgrade(): void {
    throw new Error("FakePeerTransport does not relay upgrades");
  }

  open(): Promise<never> {
    return Promise.reject(new Error("FakePeerTransport does not open streams"));
  }
}
