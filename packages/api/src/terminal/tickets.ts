import { randomBytes } from "node:crypto";
import type { Clock } from "../core/clock.js";

export const TICKET_TTL_MS = 30_000;

interface Ticket {
  space: string;
  actor: string;
  expiresAt: number;
}

/**
 * Short-lived, single-use credentials for the terminal WebSocket, so a browser never
 * puts the long-lived key in a URL. A ticket is bound to one space.
 */
export class TicketStore {
  private readonly tickets = new Map<string, Ticket>();

  constructor(
    private readonly clock: Clock = Date.now,
    private readonly ttlMs = TICKET_TTL_MS,
  ) {}

  issue(space: string, actor: string): { ticket: string; expiresAt: number } {
    this.sweep();
    const ticket = `tk_${randomBytes(24).toString("base64url")}`;
    const expiresAt = this.clock() + this.ttlMs;
    this.tickets.set(ticket, { space, actor, expiresAt });
    return { ticket, expiresAt };
  }

  /** The actor the ticket was issued to, or null (unknown, used, expired, or for another space). Uses it up either way. */
  redeem(ticket: string, space: string): string | null {
    const t = this.tickets.get(ticket);
    if (!t) return null;
    this.tickets.delete(ticket);
    if (t.expiresAt <= this.clock() || t.space !== space) return null;
    return t.actor;
  }

  size(): number {
    this.sweep();
    return this.tickets.size;
  }

  private sweep(): void {
    const now = this.clock();
    for (const [k, t] of this.tickets) if (t.expiresAt <= now) this.tickets.delete(k);
  }
}
