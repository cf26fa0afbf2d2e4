import type { Space } from "@clawdspace/shared";
import type { Membership, PeerState } from "./membership.js";
import { PeerUnreachableError, type PeerCaller, type PeerTransport } from "./peerTransport.js";

/** This node's own spaces, as its routes see them. */
export interface LocalSpaces {
  list(): Promise<Space[]>;
  has(name: string): Promise<boolean>;
}

export type Owner = { kind: "self" } | { kind: "peer"; peer: PeerState } | { kind: "unreachable"; peer: PeerState };

interface LastList {
  spaces: Space[];
  at: number;
}

/**
 * Every node's spaces as one list, and where a space lives. A node that does not answer in time is
 * shown from the last list it gave, each space in state `unreachable`: a node going away hides nothing.
 */
export class ClusterSpaces {
  private readonly last = new Map<string, LastList>();
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly local: LocalSpaces,
    private readonly membership: Membership,
    private readonly transport: PeerTransport,
    private readonly deadlineMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    // Each health round also refreshes every online peer's last list, so a node that goes away
    // leaves its spaces visible even if nobody listed them here before.
    membership.onChecked(() => this.refresh());
  }

  private async refresh(): Promise<void> {
    const caller = { actor: `node:${this.membership.self}` };
    await Promise.all(this.membership.peers().filter((p) => p.status === "online").map((p) => this.peerList(p, caller)));
  }

  async list(caller: PeerCaller): Promise<Space[]> {
    const [mine, ...theirs] = await Promise.all([this.local.list(), ...this.membership.peers().map((p) => this.peerList(p, caller))]);
    const all = [...mine, ...theirs.flat()];
    return all.sort((a, b) => a.name.localeCompare(b.name) || a.node.localeCompare(b.node));
  }

  /** A peer known to be offline is not waited for: its last list answers, and a health check is started. */
  private async peerList(p: PeerState, caller: PeerCaller): Promise<Space[]> {
    if (p.status === "offline" && p.since !== null) {
      void this.membership.check();
      return this.fromLast(p.name);
    }
    try {
      const answer = await this.transport.call(p, { method: "GET", path: "/api/spaces", ...caller, timeoutMs: this.deadlineMs });
      if (answer.status !== 200) throw new PeerUnreachableError(p.name, `answered ${answer.status}`);
      const spaces = ((answer.body as { spaces?: Space[] }).spaces ?? []).map((s) => ({ ...s, node: p.name }));
      this.last.set(p.name, { spaces, at: this.clock() });
      for (const s of spaces) this.owners.set(s.name, p.name);
      return spaces;
    } catch (err) {
      this.membership.markUnreachable(p.name, (err as Error).message);
      return this.fromLast(p.name);
    }
  }

  private fromLast(node: string): Space[] {
    return (this.last.get(node)?.spaces ?? []).map((s) => ({ ...s, state: "unreachable" as const }));
  }

  /** Here first (no hop), then the node a list or an earlier lookup named, then every reachable node at once. */
  async locate(name: string): Promise<Owner | null> {
    if (await this.local.has(name)) return { kind: "self" };
    const known = this.owners.get(name);
    const peer = known ? this.membership.get(known) : undefined;
    if (peer) return peer.status === "online" ? { kind: "peer", peer } : { kind: "unreachable", peer };
    const found = await this.probe(name);
    if (found) return found;
    for (const p of this.membership.peers()) if (this.last.get(p.name)?.spaces.some((s) => s.name === name)) return { kind: "unreachable", peer: p };
    return null;
  }

  /** The owner answered that it has no such space (any more): ask again next time. */
  forget(name: string): void {
    this.owners.delete(name);
  }

  remember(name: string, node: string): void {
    this.owners.set(name, node);
  }

  private async probe(name: string): Promise<Owner | null> {
    const online = this.membership.peers().filter((p) => p.status === "online");
    const hits = await Promise.all(
      online.map((p) =>
        this.transport
          .call(p, { method: "GET", path: `/api/spaces/${encodeURIComponent(name)}`, actor: `node:${this.membership.self}`, timeoutMs: this.deadlineMs })
          .then((a) => (a.status === 200 ? p : null))
          .catch(() => null),
      ),
    );
    const hit = hits.find((p) => p !== null);
    if (!hit) return null;
    this.owners.set(name, hit.name);
    return { kind: "peer", peer: hit };
  }
}
