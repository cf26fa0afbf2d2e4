import { readFileSync } from "node:fs";
import type { NetworkMode } from "@clawdspace/shared";
import type { Logger } from "pino";
import { RuntimeError } from "../engine/errors.js";
import { LABEL } from "../engine/naming.js";
import type { Engine } from "../engine/engine.js";
import { ensureHelperImage } from "../images/imageBuilder.js";
import { applyScript, removeScript, resolversOf } from "./rules.js";

export const NETWORK_MODE_LABEL = "clawdspace.network-mode";
export const NETWORK_PREFIX_LABEL = "clawdspace.network-prefix";

export interface NetworkPolicyOptions {
  /** Names the engine networks (<prefix>-internet, <prefix>-lan) and their bridges (<prefix>-inet, <prefix>-lan). */
  prefix: string;
  helperImage: string;
  baseImage?: string;
  labels: Record<string, string>;
  /** The host's resolv.conf, for the DNS servers spaces must still reach. */
  resolvConfPath?: string;
  /** The engine host's DNS servers, when the server cannot read them from its own resolv.conf (e.g. it runs in a container). */
  dnsServers?: string[];
}

type Mode = Exclude<NetworkMode, "none">;

export const networkNames = (prefix: string, mode: Mode) => ({
  name: `${prefix}-${mode}`,
  bridge: `${prefix}-${mode === "internet" ? "inet" : "lan"}`,
});

/** The longest a reapply or remove waits for the one before it. */
const QUEUE_WAIT_MS = 30_000;

/**
 * One engine network per mode, with iptables rules scoped to its bridge, applied by a
 * short-lived helper container on the host network (NET_ADMIN), so the server never needs root.
 */
export class NetworkPolicy {
  private readonly ready = new Map<Mode, Promise<string>>();
  /** reapply and remove, one after another: a reapply that listed a network must not make it again while it is removed. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Known once the server listens (PORT=0 picks one): the rules shut spaces out of it. */
  private apiPort: number | undefined;

  constructor(
    private readonly engine: Pick<Engine, "networks" | "helpers" | "images">,
    private readonly opts: NetworkPolicyOptions,
    private readonly log: Logger,
  ) {}

  /** The network a space of this mode joins, made and firewalled on first use (once per process). */
  ensure(mode: Mode): Promise<string> {
    let p = this.ready.get(mode);
    if (!p) {
      p = this.setUp(mode);
      this.ready.set(mode, p);
      p.catch(() => this.ready.delete(mode));
    }
    return p;
  }

  /** The port the API listens on; rules applied from now on (and by reapply) refuse it to spaces. */
  setApiPort(port: number): void {
    this.apiPort = port;
  }

  /**
   * Applies the rules again for every network we have, whatever this process applied before:
   * at start (a reboot loses them while networks and restarted spaces remain) and then on a
   * timer (a firewall reload or `iptables -F` loses them under a running server).
   */
  reapply(): Promise<void> {
    return this.serial(() => this.applyAll());
  }

  /** Unhooks the rules and removes the network (the engine refuses while spaces still use it). */
  remove(mode: Mode): Promise<void> {
    return this.serial(async () => {
      const { name, bridge } = networkNames(this.opts.prefix, mode);
      this.ready.delete(mode);
      await this.engine.networks.remove(name);
      await this.helper(removeScript(bridge));
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    // Waits for the one before, but not for good: an engine call that never answers must not hold every later one.
    let timer: NodeJS.Timeout | undefined;
    const turn = Promise.race([this.queue, new Promise<void>((r) => (timer = setTimeout(r, QUEUE_WAIT_MS).unref()))]).finally(() => clearTimeout(timer));
    const run = turn.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyAll(): Promise<void> {
    const nets = await this.engine.networks.list([`${NETWORK_PREFIX_LABEL}=${this.opts.prefix}`]);
    for (const n of nets) {
      const mode = n.labels[NETWORK_MODE_LABEL];
      if (mode !== "internet" && mode !== "lan") continue;
      // Not the cached promise of an earlier apply: the point is to apply now.
      await this.ready.get(mode)?.catch(() => undefined);
      this.ready.delete(mode);
      await this.ensure(mode);
    }
  }

  private async setUp(mode: Mode): Promise<string> {
    const { name, bridge } = networkNames(this.opts.prefix, mode);
    const net = await this.engine.networks.ensure({
      name,
      bridge,
      labels: { ...this.opts.labels, [NETWORK_MODE_LABEL]: mode, [NETWORK_PREFIX_LABEL]: this.opts.prefix, [LABEL.network]: mode },
    });
    const resolvers = this.resolvers();
    await this.helper(applyScript({ mode, bridge: net.bridge || bridge, resolvers, apiPort: this.apiPort }));
    this.log.info({ network: name, bridge, mode, resolvers }, "network policy applied");
    return name;
  }

  private resolvers(): string[] {
    if (this.opts.dnsServers) return this.opts.dnsServers;
    try {
      return resolversOf(readFileSync(this.opts.resolvConfPath ?? "/etc/resolv.conf", "utf8"));
    } catch {
      return [];
    }
  }

  private async helper(script: string): Promise<void> {
    await ensureHelperImage(this.engine.images, { image: this.opts.helperImage, baseImage: this.opts.baseImage }, this.log);
    const out = await this.engine.helpers.run({
      image: this.opts.helperImage,
      argv: ["sh", "-c", script],
      labels: this.opts.labels,
      capAdd: ["NET_ADMIN", "NET_RAW"],
      hostNetwork: true,
    });
    if (out.exitCode !== 0) throw new RuntimeError(`network policy helper failed (exit ${out.exitCode}): ${out.output.trim().slice(0, 500)}`);
  }
}
