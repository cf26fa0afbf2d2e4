import { execFile } from "node:child_process";

/** A place a peer might answer, before it has proven it is one of ours. */
export interface PeerCandidate {
  hostName: string;
  url: string;
}

/** Where peers come from besides the configuration. */
export interface PeerDiscovery {
  candidates(): Promise<PeerCandidate[]>;
}

interface TailscaleStatus {
  Peer?: Record<string, { HostName?: string; TailscaleIPs?: string[]; Online?: boolean }>;
}

/** Online peers of `tailscale status --json`, at our port on their tailnet IPv4 address. */
export function tailscaleCandidates(status: TailscaleStatus, port: number): PeerCandidate[] {
  const out: PeerCandidate[] = [];
  for (const p of Object.values(status.Peer ?? {})) {
    const ip = p.TailscaleIPs?.find((a) => /^100\.\d+\.\d+\.\d+$/.test(a));
    if (p.Online && ip) out.push({ hostName: p.HostName ?? ip, url: `http://${ip}:${port}` });
  }
  return out;
}

/** The tailscale command, with a deadline and a bounded answer; absent or failing means no candidates. */
export class TailscaleDiscovery implements PeerDiscovery {
  constructor(
    private readonly port: number,
    private readonly command = "tailscale",
  ) {}

  candidates(): Promise<PeerCandidate[]> {
    return new Promise((resolve) => {
      execFile(this.command, ["status", "--json"], { timeout: 5_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => {
        if (err) return resolve([]);
        try {
          resolve(tailscaleCandidates(JSON.parse(stdout) as TailscaleStatus, this.port));
        } catch {
          resolve([]);
        }
      });
    });
  }

  /** Whether the command is there at all (auto mode turns discovery on only then). */
  static available(command = "tailscale"): Promise<boolean> {
    return new Promise((resolve) => execFile(command, ["version"], { timeout: 3_000 }, (err) => resolve(!err || (err as NodeJS.ErrnoException).code !== "ENOENT")));
  }
}
