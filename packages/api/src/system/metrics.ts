import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { AuditInput } from "../audit/auditLog.js";

export type GaugeSample = number | Array<{ labels: Record<string, string>; value: number }>;

/**
 * The Prometheus registry and the instruments other parts feed. Labels are always from
 * small fixed sets (route patterns, operation names, states, reasons), never raw URLs,
 * paths or commands, so nothing a client sent can reach a label.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<"method" | "route" | "status">;
  readonly dockerDuration: Histogram<"op">;
  readonly dockerErrors: Counter<"op" | "kind">;
  readonly sleeps: Counter<"kind" | "reason">;
  readonly wakes: Counter<"tier" | "cause">;
  readonly auditEvents: Counter<"type">;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    this.registry.setDefaultLabels({});
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: "clawdspace_process_" });
    this.httpDuration = new Histogram({
      name: "clawdspace_http_request_duration_seconds",
      help: "HTTP request latency by route pattern",
      labelNames: ["method", "route", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.dockerDuration = new Histogram({
      name: "clawdspace_docker_call_duration_seconds",
      help: "Engine call latency by runtime operation",
      labelNames: ["op"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.dockerErrors = new Counter({
      name: "clawdspace_docker_call_errors_total",
      help: "Engine calls that failed, by runtime operation and error kind",
      labelNames: ["op", "kind"],
      registers: [this.registry],
    });
    this.sleeps = new Counter({
      name: "clawdspace_sleeps_total",
      help: "Spaces put to sleep: kind pause or hibernate, by reason (user, idle, restore)",
      labelNames: ["kind", "reason"],
      registers: [this.registry],
    });
    this.wakes = new Counter({
      name: "clawdspace_wakes_total",
      help: "Spaces woken, by tier (warm: unpaused, cold: started) and cause",
      labelNames: ["tier", "cause"],
      registers: [this.registry],
    });
    this.auditEvents = new Counter({
      name: "clawdspace_audit_events_total",
      help: "Audit events written, by type",
      labelNames: ["type"],
      registers: [this.registry],
    });
  }

  /**
   * A gauge whose value is read at scrape time, for other services to register (spaces by
   * state, terminal sessions, ...). `collect` answers a number, or labelled samples.
   */
  gauge(name: string, help: string, collect: () => GaugeSample | Promise<GaugeSample>, labelNames: string[] = []): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        const sample = await collect();
        this.reset();
        if (typeof sample === "number") this.set(sample);
        else for (const s of sample) this.set(s.labels, s.value);
      },
    });
  }

  /** Fed by the audit log: sleeps and wakes are counted from the same events that record them. */
  onAudit(e: AuditInput): void {
    this.auditEvents.inc({ type: e.type });
    const meta = e.meta ?? {};
    const str = (v: unknown, dflt: string) => (typeof v === "string" && /^[a-z:_-]{1,32}$/.test(v) ? v : dflt);
    if (e.type === "space.pause") this.sleeps.inc({ kind: "pause", reason: str(meta.reason, "other") });
    else if (e.type === "space.hibernate") this.sleeps.inc({ kind: "hibernate", reason: str(meta.reason, "other") });
    else if (e.type === "space.wake") this.wakes.inc({ tier: str(meta.tier, "other"), cause: str(meta.cause, "other") });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
