import { readFileSync } from "node:fs";
import type { Router } from "express";
import type { Logger } from "pino";
import type { AuditLog } from "../audit/auditLog.js";
import type { Config } from "../config.js";
import { SpaceNotFoundError } from "../engine/errors.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import type { Authenticator } from "../http/auth.js";
import type { Spaces } from "../spaces/spaces.js";
import type { SystemService } from "../system/systemService.js";
import { clusterAuthenticator } from "./clusterAuth.js";
import type { ClusterContext } from "./clusterContext.js";
import { clusterRouter } from "./clusterRouter.js";
import { ClusterSpaces, type LocalSpaces } from "./clusterSpaces.js";
import { TailscaleDiscovery, type PeerDiscovery } from "./discovery.js";
import { HttpPeerTransport } from "./httpPeerTransport.js";
import { Membership } from "./membership.js";
import { allocation, SERVICE, type NodeReport } from "./nodeReport.js";
import type { PeerTransport } from "./peerTransport.js";
import { upgradeForward, type UpgradeForward } from "./upgradeForward.js";

export interface NodeDeps {
  auth: Authenticator;
  spaces: Pick<Spaces, "views" | "creation">;
  system: SystemService;
  audit: AuditLog;
  events: SpaceEvents;
  version: string;
}

export interface ClusterParts {
  router: Router;
  auth: Authenticator;
  upgrade: UpgradeForward;
  membership: Membership;
  start(): void;
  close(): Promise<void>;
}

export interface ClusterSettings {
  self: string;
  secret: string;
  peers: Config["nodes"]["peers"];
  healthMs: number;
  deadlineMs: number;
  bodyLimit: number;
  defaults: { memory: number; cpus: number };
  eventsMaxStreams: number;
  eventsKeepAliveMs?: number;
}

export function localSpaces(views: Spaces["views"]): LocalSpaces {
  return {
    list: () => views.list(),
    has: (name) =>
      views.get(name).then(
        () => true,
        (err) => (err instanceof SpaceNotFoundError ? false : Promise.reject(err)),
      ),
  };
}

/** The cluster's parts over any transport (the HTTP one in production, a fake in unit tests). */
export function composeCluster(s: ClusterSettings, deps: NodeDeps, transport: PeerTransport, log: Logger, discovery?: PeerDiscovery): ClusterParts {
  const membership = new Membership(s.peers, transport, { self: s.self, healthMs: s.healthMs, deadlineMs: s.deadlineMs }, log, discovery);
  const selfReport = async (): Promise<NodeReport> => {
    const [capabilities, list] = await Promise.all([deps.system.capabilities(), deps.spaces.views.list()]);
    return { service: SERVICE, name: s.self, version: deps.version, capabilities, spaces: list.length, allocated: allocation(list) };
  };
  const ctx: ClusterContext = { membership, spaces: new ClusterSpaces(localSpaces(deps.spaces.views), membership, transport, s.deadlineMs), transport, selfReport, deadlineMs: s.deadlineMs, log };
  const auth = clusterAuthenticator(deps.auth, s.secret, log);
  const router = clusterRouter(ctx, {
    system: deps.system,
    creation: deps.spaces.creation,
    audit: deps.audit,
    events: deps.events,
    startedAt: Date.now(),
    fanout: { bodyLimit: s.bodyLimit, defaults: s.defaults },
    eventsKeepAliveMs: s.eventsKeepAliveMs ?? 15_000,
    eventsMaxStreams: s.eventsMaxStreams,
  });
  return { router, auth, upgrade: upgradeForward(ctx, auth), membership, start: () => membership.start(), close: () => membership.stop() };
}

/** Several nodes as one: only with a cluster secret; without one this node stands alone, as before. */
export async function composeNodes(cfg: Config, node: string, deps: NodeDeps, log: Logger): Promise<ClusterParts | undefined> {
  const n = cfg.nodes;
  if (!n.secret) return undefined;
  const useTailscale = n.tailscale === "on" || (n.tailscale === "auto" && (await TailscaleDiscovery.available()));
  const transport = new HttpPeerTransport({ self: node, secret: n.secret, ca: n.caFile ? readFileSync(n.caFile, "utf8") : undefined, connectTimeoutMs: n.deadlineMs });
  const parts = composeCluster(
    { self: node, secret: n.secret, peers: n.peers, healthMs: n.healthMs, deadlineMs: n.deadlineMs, bodyLimit: cfg.bodyLimitBytes, defaults: { memory: cfg.defaultMemory, cpus: cfg.defaultCpus }, eventsMaxStreams: cfg.eventsMaxStreams },
    deps,
    transport,
    log.child({ component: "nodes" }),
    useTailscale ? new TailscaleDiscovery(cfg.port) : undefined,
  );
  log.info({ node, peers: n.peers.map((p) => p.name), tailscale: useTailscale }, "several nodes as one Clawdspace: peers configured");
  return { ...parts, close: async () => (await parts.close(), transport.close()) };
}
