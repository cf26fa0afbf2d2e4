import type { NetworkMode } from "@clawdspace/shared";

/** Where an `internet` space may not go: RFC 1918, CGNAT, link-local (cloud metadata), and other non-public ranges. */
export const PRIVATE_RANGES = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "100.64.0.0/10",
  "169.254.0.0/16",
  "0.0.0.0/8",
  "127.0.0.0/8",
  "192.0.0.0/24",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
];
/**
 * A `lan` space reaches the private ranges, but no cloud credential endpoint: all of link-local
 * (AWS and GCP metadata at .254, ECS task credentials at 169.254.170.2, EKS pod identity at
 * 169.254.170.23) and Alibaba's metadata service.
 */
export const LAN_REFUSED = ["169.254.0.0/16", "100.100.100.200/32"];

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const BRIDGE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/;

export interface PolicyTarget {
  mode: Exclude<NetworkMode, "none">;
  bridge: string;
  /** The host's DNS servers (Docker's embedded resolver forwards to them from the space's namespace). */
  resolvers: string[];
  /** The API's own port on this host: no space reaches it, whatever its mode. */
  apiPort?: number;
}

export const chainsOf = (bridge: string) => ({ forward: `CSP-${bridge}-FWD`, input: `CSP-${bridge}-IN` });

function isPrivate(ip: string): boolean {
  const [a, b] = ip.split(".").map(Number) as [number, number];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254);
}

/** iptables argv lists (without the binary) that (re)build a network's chains and hook them in. Idempotent as a whole. */
export function applyScript(t: PolicyTarget): string {
  if (!BRIDGE.test(t.bridge)) throw new Error(`bad bridge name "${t.bridge}"`);
  const { forward: F, input: I } = chainsOf(t.bridge);
  const lines: string[] = ["set -e", `ipt() { iptables -w 10 "$@"; }`];
  // Our own chains, flushed and rebuilt, so re-applying never duplicates a rule.
  for (const c of [F, I]) lines.push(`ipt -N ${c} 2>/dev/null || ipt -F ${c}`);
  lines.push(`ipt -A ${F} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`);
  // Name resolution keeps working where the host's resolver sits in a private range.
  for (const r of t.resolvers.filter((r) => IPV4.test(r) && isPrivate(r))) {
    for (const proto of ["udp", "tcp"]) lines.push(`ipt -A ${F} -d ${r}/32 -p ${proto} --dport 53 -j RETURN`);
  }
  const refused = t.mode === "internet" ? PRIVATE_RANGES : LAN_REFUSED;
  for (const range of refused) {
    lines.push(`ipt -A ${F} -d ${range} -p tcp -j REJECT --reject-with tcp-reset`);
    lines.push(`ipt -A ${F} -d ${range} -j REJECT --reject-with icmp-admin-prohibited`);
  }
  lines.push(`ipt -A ${F} -j RETURN`);
  // Traffic to the host's own addresses (the API's port included) is the INPUT chain's, not DOCKER-USER's.
  lines.push(`ipt -A ${I} -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN`);
  if (t.mode === "lan" && t.apiPort !== undefined && Number.isInteger(t.apiPort) && t.apiPort > 0 && t.apiPort < 65536) {
    lines.push(`ipt -A ${I} -p tcp --dport ${t.apiPort} -j REJECT --reject-with tcp-reset`);
  }
  if (t.mode === "internet") {
    lines.push(`ipt -A ${I} -p tcp -j REJECT --reject-with tcp-reset`);
    lines.push(`ipt -A ${I} -j REJECT --reject-with icmp-admin-prohibited`);
  }
  lines.push(`ipt -A ${I} -j RETURN`);
  // Hooks scoped to the bridge: other containers and published ports never pass through our chains.
  // Twice, so one flush does not open the space: DOCKER-USER survives an engine restart (which puts
  // its own FORWARD rules above ours), and FORWARD's own hook survives `iptables -F DOCKER-USER`.
  lines.push(`ipt -C DOCKER-USER -i ${t.bridge} -j ${F} 2>/dev/null || ipt -I DOCKER-USER 1 -i ${t.bridge} -j ${F}`);
  lines.push(`ipt -C FORWARD -i ${t.bridge} -j ${F} 2>/dev/null || ipt -I FORWARD 1 -i ${t.bridge} -j ${F}`);
  lines.push(`ipt -C INPUT -i ${t.bridge} -j ${I} 2>/dev/null || ipt -I INPUT 1 -i ${t.bridge} -j ${I}`);
  lines.push("echo applied");
  return lines.join("\n");
}

/** Unhooks and deletes a network's chains; absent ones are fine. */
export function removeScript(bridge: string): string {
  if (!BRIDGE.test(bridge)) throw new Error(`bad bridge name "${bridge}"`);
  const { forward: F, input: I } = chainsOf(bridge);
  return [
    `ipt() { iptables -w 10 "$@"; }`,
    `while ipt -D DOCKER-USER -i ${bridge} -j ${F} 2>/dev/null; do :; done`,
    `while ipt -D FORWARD -i ${bridge} -j ${F} 2>/dev/null; do :; done`,
    `while ipt -D INPUT -i ${bridge} -j ${I} 2>/dev/null; do :; done`,
    `for c in ${F} ${I}; do ipt -F $c 2>/dev/null; ipt -X $c 2>/dev/null; done`,
    "echo removed",
  ].join("\n");
}

/** nameserver lines of a resolv.conf. */
export function resolversOf(resolvConf: string): string[] {
  return [...resolvConf.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]!).filter((ip) => IPV4.test(ip));
}
