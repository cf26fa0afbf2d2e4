import type { Logger } from "pino";
import { LABEL } from "../engine/naming.js";
import type { ContainersPort, SpaceRecord } from "../engine/ports/containers.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";
import type { SpaceStateStore } from "../sleep/spaceState.js";
import type { NetworkPolicy } from "./networkPolicy.js";

export interface PolicyGuardDeps {
  containers: Pick<ContainersPort, "list" | "setRestartPolicy">;
  state: Pick<SpaceStateStore, "peek">;
  lifecycle: Pick<SpaceLifecycle, "restore">;
  network: Pick<NetworkPolicy, "reapply">;
  log: Logger;
  now: () => number;
}

/** A space that keeps stopping is started again less and less often: 10 s, 20 s, ... up to 10 minutes. */
const FIRST_RETRY_MS = 10_000;
const MAX_RETRY_MS = 600_000;
/** A start the engine refused is tried again after this long, whatever the backoff. */
const REFUSED_RETRY_MS = 2_000;
/** How long the guard waits on one engine call: a list or an update, then applying rules or one start (see within). */
const LIST_DEADLINE_MS = 5_000;
const STEP_DEADLINE_MS = 20_000;
/** Rules applied this recently still stand for a space found down (nothing flushes them that fast but an operator). */
const RULES_FRESH_MS = 5_000;
const STALE_APPLY_MS = 60_000;

const guarded = (r: SpaceRecord) => r.labels[LABEL.network] === "internet" || r.labels[LABEL.network] === "lan";

/**
 * Fail closed: a space on a policy network never runs without its rules. The engine does not
 * start such a space by itself (restart policy "no"), so after a reboot, which empties the
 * firewall, or an engine restart, which stops every container, the space stays down until
 * this guard has applied the rules again and started it.
 */
export class PolicyGuard {
  /** Spaces whose restart policy this process has set ("no"): spaces made before the guard existed had unless-stopped. */
  private readonly pinned = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;
  private readonly restored = new Map<string, { at: number; count: number; refused?: boolean }>();
  /** The rules being applied, and when they last were: see rules(). */
  private applying: Promise<void> | undefined;
  private appliedAt = -Infinity;
  private applyingSince = 0;

  constructor(private readonly d: PolicyGuardDeps) {}

  /**
   * Starts the policy-network spaces that stopped without the server (not hibernated), after
   * applying the rules again unless the caller just did. Answers the names it started.
   */
  sweep(opts: { rulesFresh?: boolean } = {}): Promise<string[]> {
    // One sweep at a time: a slow engine must not pile them up (each engine step has a deadline, so none holds it for good).
    this.running ??= this.sweepOnce(opts).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Sweeps every intervalMs; an engine that does not answer is simply tried again at the next one. */
  start(intervalMs: number): void {
    this.timer ??= setInterval(() => {
      void this.sweep().catch((err) => this.d.log.debug({ err }, "network guard: sweep failed"));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sweepOnce(opts: { rulesFresh?: boolean }): Promise<string[]> {
    const listed = await this.within(LIST_DEADLINE_MS, "list", this.d.containers.list()).catch((err: unknown) => {
      // The engine went away: what comes back is a new engine, and the backoff was about the old one.
      this.restored.clear();
      throw err;
    });
    const records = listed.filter(guarded);
    for (const r of records) {
      if (this.pinned.has(r.name)) continue;
      await this.within(LIST_DEADLINE_MS, "restart policy", this.d.containers.setRestartPolicy(r.name, "no")).then(
        () => this.pinned.add(r.name),
        (err) => this.d.log.warn({ err, space: r.name }, "network guard: could not set the restart policy"),
      );
    }
    const now = this.d.now();
    for (const r of records) {
      const last = this.restored.get(r.name);
      if (last && r.state !== "stopped" && now - last.at > MAX_RETRY_MS) this.restored.delete(r.name);
    }
    const down = records.filter((r) => r.state === "stopped" && !this.d.state.peek(r.name)?.hibernatedAt && this.due(r.name, now));
    if (down.length === 0) return [];
    // The rules first, whatever this process applied before: a stop without us means the engine (or the host) restarted.
    if (!opts.rulesFresh) await this.rules(now);
    const started: string[] = [];
    for (const r of down) {
      const ok = await this.within(STEP_DEADLINE_MS, "start", this.d.lifecycle.restore(r.name)).catch((err) => {
        this.d.log.warn({ err, space: r.name }, "network guard: could not start the space again");
        return false;
      });
      // Only a start that worked counts towards the backoff: one refused (by an engine on its way
      // down or up, say) is tried again shortly, so a restart costs no backoff.
      const count = this.restored.get(r.name)?.count ?? 0;
      if (ok) started.push(r.name);
      this.restored.set(r.name, ok ? { at: now, count: count + 1 } : { at: now, count, refused: true });
    }
    return started;
  }

  /**
   * Applies the rules again, or waits on the application already under way: right after an engine
   * restart one can take over 20 s (the engine busy with its own firewall), and a sweep that gives up
   * on it must not start another from scratch. Rules applied since this sweep listed the spaces are fresh.
   */
  private async rules(listedAt: number): Promise<void> {
    if (this.appliedAt >= listedAt - RULES_FRESH_MS) return;
    // One that has not answered in a minute is not waited on any more: start again.
    if (this.applying && this.d.now() - this.applyingSince > STALE_APPLY_MS) this.applying = undefined;
    if (!this.applying) this.applyingSince = this.d.now();
    const mine = (this.applying ??= this.d.network.reapply().then(
      () => {
        this.appliedAt = this.d.now();
        if (this.applying === mine) this.applying = undefined;
      },
      (err: unknown) => {
        if (this.applying === mine) this.applying = undefined;
        throw err;
      },
    ));
    await this.within(STEP_DEADLINE_MS, "rules", mine);
  }

  /**
   * An engine call caught in the engine going down (or in one still starting) may never answer; given up
   * on at its deadline, it fails the sweep (or that one start), and the next tick asks again on a fresh request.
   */
  private within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.d.log.warn({ step: what, deadlineMs: ms }, "network guard: an engine call did not answer in time; asking again at the next sweep");
        reject(new Error(`network guard: ${what} did not answer within ${ms} ms`));
      }, ms);
      timer.unref();
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  private due(name: string, now: number): boolean {
    const last = this.restored.get(name);
    if (!last) return true;
    const wait = last.refused ? REFUSED_RETRY_MS : Math.min(FIRST_RETRY_MS * 2 ** (last.count - 1), MAX_RETRY_MS);
    return now - last.at >= wait;
  }
}
