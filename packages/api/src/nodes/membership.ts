import type { Logger } from "pino";
import type { PeerCandidate, PeerDiscovery } from "./discovery.js";
import type { PeerSpec } from "./nodeConfig.js";
import { NodeReportSchema, type NodeReport } from "./nodeReport.js";
import type { PeerTransport } from "./peerTransport.js";

export type NodeStatus = "online" | "offline";

/** What this node knows of a peer from its last health checks. */
export interface PeerState extends PeerSpec {
  status: NodeStatus;
  /** When it entered this status; null before the first check. */
  since: number | null;
  lastSeenAt: number | null;
  latencyMs: number | null;
  report: NodeReport | null;
  error?: string;
  discovered: boolean;
}

export interface MembershipOptions {
  self: string;
  healthMs: number;
  deadlineMs: number;
  clock?: () => number;
}

export const SELF_PATH = "/api/cluster/self";

/**
 * The peers and their health. Each check asks every peer at once, each with a deadline, so one
 * slow node never delays the others' verdicts; checks never overlap.
 */
export class Membership {
  private readonly states = new Map<string, PeerState>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly clock: () => number;
  private readonly checked: Array<() => Promise<void>> = [];

  constructor(
    peers: PeerSpec[],
    private readonly transport: PeerTransport,
    private readonly opts: MembershipOptions,
    private readonly log: Logger,
    private readonly discovery?: PeerDiscovery,
  ) {
    this.clock = opts.clock ?? Date.now;
    for (const p of peers) if (p.name !== opts.self) this.states.set(p.name, blank(p, false));
  }

  get self(): string {
    return this.opts.self;
  }

  peers(): PeerState[] {
    return [...this.states.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): PeerState | undefined {
    return this.states.get(name);
  }

  /** One round: discovery (if any), then every peer's health, at once. */
  check(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  start(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), this.opts.healthMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Runs after every round (the cluster refreshes what it knows of the peers' spaces). */
  onChecked(fn: () => Promise<void>): void {
    this.checked.push(fn);
  }

  /** A call elsewhere failed: the peer is offline from now until a check says otherwise. */
  markUnreachable(name: string, reason: string): void {
    const s = this.states.get(name);
    if (s) this.setStatus(s, "offline", reason);
  }

  private async round(): Promise<void> {
    if (this.discovery) await this.discover(await this.discovery.candidates().catch(() => []));
    await Promise.all(this.peers().map((p) => this.checkOne(p)));
    await Promise.all(this.checked.map((fn) => fn().catch(() => undefined)));
  }

  private async checkOne(p: PeerState): Promise<void> {
    const started = performance.now();
    const report = await this.ask(p).catch((err: Error) => err);
    if (report instanceof Error) return this.setStatus(p, "offline", report.message);
    if (report.name !== p.name) return this.setStatus(p, "offline", `answers as node ${report.name}, configured as ${p.name}`);
    p.latencyMs = Math.round((performance.now() - started) * 10) / 10;
    p.report = report;
    p.lastSeenAt = this.clock();
    this.setStatus(p, "online");
  }

  private async ask(p: PeerSpec): Promise<NodeReport> {
    const answer = await this.transport.call(p, { method: "GET", path: SELF_PATH, actor: `node:${this.opts.self}`, timeoutMs: this.opts.deadlineMs });
    if (answer.status !== 200) throw new Error(answer.status === 401 ? "refused our cluster secret (401)" : `health check answered ${answer.status}`);
    const parsed = NodeReportSchema.safeParse(answer.body);
    if (!parsed.success) throw new Error("answered the health check, but not as a Clawdspace node");
    return parsed.data;
  }

  /** A candidate joins only once it answers our health check as one of ours (it accepted our secret). */
  private async discover(candidates: PeerCandidate[]): Promise<void> {
    const known = new Set(this.peers().map((p) => p.url));
    await Promise.all(
      candidates
        .filter((c) => !known.has(c.url))
        .map(async (c) => {
          const report = await this.ask({ name: c.hostName, url: c.url }).catch(() => null);
          if (!report || report.name === this.opts.self || this.states.has(report.name)) return;
          this.log.info({ node: report.name, url: c.url }, "node discovered on the tailnet");
          this.states.set(report.name, blank({ name: report.name, url: c.url }, true));
        }),
    );
  }

  private setStatus(p: PeerState, status: NodeStatus, error?: string): void {
    if (p.status !== status || p.since === null) {
      if (p.since !== null || status === "offline") this.log[status === "online" ? "info" : "warn"]({ node: p.name, error }, `node ${p.name} is ${status}`);
      p.since = this.clock();
    }
    p.status = status;
    p.error = error;
    if (status === "offline") p.latencyMs = null;
  }
}

function blank(p: PeerSpec, discovered: boolean): PeerState {
  return { ...p, status: "offline", since: null, lastSeenAt: null, latencyMs: null, report: null, discovered };
}
