import { createHmac, randomUUID } from "node:crypto";
import type { Task } from "@clawdspace/shared";
import type { Logger } from "pino";

export interface WebhookSettings {
  url: string;
  secret: string;
  /** Attempts per delivery, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  /** Deliveries waiting at most; older ones are dropped (and logged) beyond it. */
  maxQueue?: number;
}

/** The signature a receiver recomputes: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

interface Delivery {
  id: string;
  body: string;
  attempt: number;
}

/**
 * POSTs each finished task to the operator's URL, signed, retried with exponential backoff.
 * Runs beside everything else: a slow or dead receiver fills only its own bounded queue.
 */
export class TaskWebhook {
  private readonly queue: Delivery[] = [];
  private inFlight = 0;
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  delivered = 0;
  failed = 0;

  constructor(
    private readonly s: WebhookSettings,
    private readonly log: Logger,
    private readonly doFetch: typeof fetch = fetch,
  ) {}

  taskEnded(task: Task): void {
    if (this.stopped) return;
    const body = JSON.stringify({ event: "task.end", task });
    if (this.queue.length >= (this.s.maxQueue ?? 1000)) {
      const dropped = this.queue.shift()!;
      this.failed++;
      this.log.warn({ delivery: dropped.id }, "webhook queue full: dropped the oldest delivery");
    }
    this.queue.push({ id: randomUUID(), body, attempt: 0 });
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.queue.length) this.log.warn({ pending: this.queue.length }, "webhook deliveries not sent before shutdown");
    this.queue.length = 0;
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < 4 && this.queue.length) {
      const d = this.queue.shift()!;
      this.inFlight++;
      void this.send(d).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async send(d: Delivery): Promise<void> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    d.attempt++;
    let status = 0;
    try {
      const res = await this.doFetch(this.s.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "clawdspace-webhook",
          "x-clawdspace-event": "task.end",
          "x-clawdspace-delivery": d.id,
          "x-clawdspace-timestamp": timestamp,
          "x-clawdspace-signature": signWebhook(this.s.secret, timestamp, d.body),
        },
        body: d.body,
        signal: AbortSignal.timeout(this.s.timeoutMs ?? 10_000),
        redirect: "manual",
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) {
        this.delivered++;
        return;
      }
    } catch (err) {
      this.log.debug({ err, delivery: d.id }, "webhook attempt failed");
    }
    if (this.stopped) return;
    if (d.attempt >= (this.s.attempts ?? 6)) {
      this.failed++;
      this.log.warn({ delivery: d.id, status, attempts: d.attempt }, "webhook delivery given up");
      return;
    }
    const delay = (this.s.baseDelayMs ?? 1000) * 2 ** (d.attempt - 1);
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.stopped) return;
      this.queue.push(d);
      this.pump();
    }, delay);
    t.unref();
    this.timers.add(t);
  }
}
