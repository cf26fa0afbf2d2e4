import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { pino } from "pino";
import request from "supertest";
import { createApp } from "../../../src/app.js";
import { attachTerminal } from "../../../src/http/terminalUpgrade.js";
import { composeCluster, type ClusterParts } from "../../../src/nodes/composeNodes.js";
import { HttpPeerTransport } from "../../../src/nodes/httpPeerTransport.js";
import type { PeerSpec } from "../../../src/nodes/nodeConfig.js";
import { KEY, makeApp, type TestApp } from "../helpers.js";

export const SECRET = "cluster-secret-0123456789abcdef-0123456789";

export interface TestNode {
  name: string;
  url: string;
  t: TestApp;
  parts: ClusterParts;
  server: Server;
  /** Everything this node logged (pino lines). */
  logs: string[];
  api(method: "get" | "post" | "put" | "delete", path: string): request.Test;
  /** Cuts the node off: its server stops answering and every open connection is dropped. */
  stop(): Promise<void>;
}

async function listen(): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on("connection", (s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

/**
 * Nodes on loopback, each its own app over its own fake engine, joined by the real HTTP transport.
 * `peers` can add members that are not started here (a black hole, a closed port).
 */
export async function startCluster(names: string[], opts: { deadlineMs?: number; extraPeers?: PeerSpec[]; secrets?: Record<string, string> } = {}): Promise<TestNode[]> {
  const listeners = await Promise.all(names.map(() => listen()));
  const peers = [...names.map((name, i) => ({ name, url: listeners[i]!.url })), ...(opts.extraPeers ?? [])];
  const nodes = names.map((name, i): TestNode => {
    const { server, url, sockets } = listeners[i]!;
    const logs: string[] = [];
    const logger = pino({ level: "info" }, { write: (s: string) => void logs.push(s) });
    const t = makeApp({ config: { node: name }, logger });
    const secret = opts.secrets?.[name] ?? SECRET;
    const deadlineMs = opts.deadlineMs ?? 1_000;
    const transport = new HttpPeerTransport({ self: name, secret, connectTimeoutMs: deadlineMs });
    const parts = composeCluster(
      { self: name, secret, peers, healthMs: 60_000, deadlineMs, bodyLimit: 1024 * 1024, defaults: { memory: 2 * 1024 ** 3, cpus: 1 }, eventsMaxStreams: 16, eventsKeepAliveMs: 60_000 },
      { ...t.deps, version: "test" },
      transport,
      logger,
    );
    const deps = { ...t.deps, auth: parts.auth };
    server.on("request", createApp({ ...deps, cluster: parts.router }));
    attachTerminal(server, { ...deps, forward: parts.upgrade });
    return {
      name,
      url,
      t,
      parts,
      server,
      logs,
      api: (method, path) => request(url)[method](path).set("Authorization", `Bearer ${KEY}`),
      stop: async () => {
        for (const s of sockets) s.destroy();
        await new Promise((r) => server.close(r));
        transport.close();
      },
    };
  });
  await Promise.all(nodes.map((n) => n.parts.membership.check()));
  return nodes;
}

export async function stopCluster(nodes: TestNode[]): Promise<void> {
  await Promise.all(
    nodes.map(async (n) => {
      await n.parts.close();
      await n.t.deps.terminals.close();
      if (n.server.listening) await n.stop();
    }),
  );
}

/** A listener that takes connections and never answers: a node whose link is cut mid-flight. */
export async function blackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const { server, url, sockets } = await listen();
  return {
    url,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
