import { describe, expect, it } from "vitest";
import { TicketStore } from "../../src/terminal/tickets.js";

describe("terminal tickets", () => {
  it("is single-use and bound to its space", () => {
    const store = new TicketStore(() => 1000);
    const a = store.issue("alpha", "default");
    expect(a.expiresAt).toBe(31_000);
    expect(store.redeem(a.ticket, "alpha")).toBe("default");
    expect(store.redeem(a.ticket, "alpha")).toBeNull();
    const b = store.issue("alpha", "default");
    expect(store.redeem(b.ticket, "beta")).toBeNull();
    // a try on the wrong space uses it up too
    expect(store.redeem(b.ticket, "alpha")).toBeNull();
    expect(store.redeem("tk_made_up", "alpha")).toBeNull();
  });

  it("expires after 30 seconds", () => {
    let now = 0;
    const store = new TicketStore(() => now);
    const a = store.issue("alpha", "k");
    const b = store.issue("alpha", "k");
    now = 29_999;
    expect(store.redeem(a.ticket, "alpha")).toBe("k");
    now = 30_000;
    expect(store.redeem(b.ticket, "alpha")).toBeNull();
    store.issue("alpha", "k");
    now = 70_000;
    expect(store.size()).toBe(0);
  });
});
