import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { z } from "zod";
import { int } from "../config/fields.js";

/** One peer as configured: a name and the base URL its API answers at. */
export interface PeerSpec {
  name: string;
  url: string;
}

export interface NodesConfig {
  /** This node's name (CLAWDSPACE_NODE, else the hostname at composition). */
  self: string | undefined;
  peers: PeerSpec[];
  secretFile: string | undefined;
  /** Read by loadConfig from secretFile; empty means this node stands alone. */
  secret: string;
  allowHttp: boolean;
  caFile: string | undefined;
  tailscale: "auto" | "on" | "off";
  healthMs: number;
  deadlineMs: number;
}

const NODE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/;
const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Plain HTTP carries the cluster secret in the clear: acceptable on loopback and inside a tailnet
 * (100.64.0.0/10, which WireGuard already encrypts), nowhere else unless the operator says so.
 */
export function plainHttpSafe(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  const m = V4.exec(h);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 127 || (a === 100 && b >= 64 && b <= 127);
}

/** `name=url,...`; each URL http(s) with no path beyond "/", names unique. */
export function parsePeers(v: string | undefined, allowHttp: boolean, ctx: z.RefinementCtx): PeerSpec[] {
  const peers: PeerSpec[] = [];
  for (const part of (v ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf("=");
    const name = eq > 0 ? part.slice(0, eq).trim() : "";
    const raw = eq > 0 ? part.slice(eq + 1).trim() : "";
    const issue = (message: string) => ctx.addIssue({ code: "custom", path: ["CLAWDSPACE_NODES"], message: `"${part}": ${message}` });
    if (!NODE_NAME.test(name)) {
      issue("must be name=url with a name of letters, digits, _ or - (such as gpu=https://gpu.tail1234.ts.net:7777)");
      continue;
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      issue("the URL does not parse");
      continue;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") issue("must be an http:// or https:// URL");
    else if (url.pathname !== "/" || url.search || url.username) issue("must be the server's base URL (no path, query or credentials)");
    else if (url.protocol === "http:" && !allowHttp && !plainHttpSafe(url.hostname)) {
      issue("plain http outside loopback and the tailnet (100.64.0.0/10) would send the cluster secret in the clear: use https, or set CLAWDSPACE_NODES_ALLOW_HTTP=true");
    } else if (peers.some((p) => p.name === name)) issue(`the name ${name} is given twice`);
    else peers.push({ name, url: url.origin });
  }
  return peers;
}

/** The cluster secret: at least 32 characters from a file (never the environment, which process listings show). */
export function readClusterSecret(file: string): string {
  let secret: string;
  try {
    secret = readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (secret.length < 32) throw new Error(`the secret in ${file} must be at least 32 characters (openssl rand -hex 32)`);
  return secret;
}

export const absolutePath = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined))
  .refine((v) => !v || isAbsolute(v), { error: "must be an absolute path" });

export const tailscaleMode = z.enum(["auto", "on", "off"], { error: "must be auto, on or off" }).default("auto");

/** The environment's node settings, spread into the one config schema. */
export const nodeEnvShape = {
  CLAWDSPACE_NODE: z.string().regex(NODE_NAME, { error: "must be a node name: letters, digits, _ or -" }).optional(),
  CLAWDSPACE_NODES: z.string().optional(),
  CLAWDSPACE_CLUSTER_SECRET_FILE: absolutePath,
  CLAWDSPACE_NODES_ALLOW_HTTP: z.enum(["", "true", "false", "1", "0"], { error: "must be true or false" }).optional(),
  CLAWDSPACE_NODES_CA_FILE: absolutePath,
  CLAWDSPACE_NODES_TAILSCALE: tailscaleMode,
  NODES_HEALTH_MS: int(100, 3_600_000, 5_000),
  NODES_DEADLINE_MS: int(50, 120_000, 2_000),
};

type NodeEnv = z.output<z.ZodObject<typeof nodeEnvShape>>;

export function nodesFromEnv(env: NodeEnv, ctx: z.RefinementCtx): NodesConfig {
  const allowHttp = env.CLAWDSPACE_NODES_ALLOW_HTTP === "true" || env.CLAWDSPACE_NODES_ALLOW_HTTP === "1";
  const peers = parsePeers(env.CLAWDSPACE_NODES, allowHttp, ctx);
  if ((peers.length > 0 || env.CLAWDSPACE_NODES_TAILSCALE === "on") && !env.CLAWDSPACE_CLUSTER_SECRET_FILE) {
    ctx.addIssue({ code: "custom", path: ["CLAWDSPACE_CLUSTER_SECRET_FILE"], message: "is required with CLAWDSPACE_NODES or tailscale discovery (node-to-node requests carry it)" });
  }
  return {
    self: env.CLAWDSPACE_NODE,
    peers,
    secretFile: env.CLAWDSPACE_CLUSTER_SECRET_FILE,
    secret: "",
    allowHttp,
    caFile: env.CLAWDSPACE_NODES_CA_FILE,
    tailscale: env.CLAWDSPACE_NODES_TAILSCALE,
    healthMs: env.NODES_HEALTH_MS,
    deadlineMs: env.NODES_DEADLINE_MS,
  };
}

/** At load: the secret read once; a problem is reported the way the schema's are. */
export function loadClusterSecret(nodes: NodesConfig): string | undefined {
  if (!nodes.secretFile) return undefined;
  try {
    nodes.secret = readClusterSecret(nodes.secretFile);
    return undefined;
  } catch (err) {
    return `CLAWDSPACE_CLUSTER_SECRET_FILE: ${(err as Error).message}`;
  }
}
