import type { Logger } from "pino";
import type { AuditLog, AuditRetention } from "./auditLog.js";

/** Applies the audit retention policy now and then, in batches (see AuditLog.prune). */
export class AuditPruner {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly audit: AuditLog,
    private readonly policy: AuditRetention & { pruneMs: number },
    private readonly log: Logger,
  ) {}

  runOnce(): number {
    if (this.policy.maxAgeMs <= 0 && this.policy.maxEvents <= 0) return 0;
    try {
      const removed = this.audit.prune(this.policy);
      if (removed > 0) this.log.info({ removed }, "audit retention removed old events");
      return removed;
    } catch (err) {
      this.log.warn({ err }, "audit retention failed; will retry");
      return 0;
    }
  }

  start(): void {
    if (this.timer) return;
    this.runOnce();
    this.timer = setInterval(() => this.runOnce(), this.policy.pruneMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
