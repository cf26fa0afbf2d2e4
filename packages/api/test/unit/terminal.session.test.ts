import type { WebSocket } from "ws";
import { describe, expect, it } from "vitest";
import { TerminalSession } from "../../src/terminal/session.js";

/** A socket whose send buffer we control: nothing drains until the test says so. */
function slowSocket() {
  const sent: Array<Buffer | string> = [];
  const ws = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send(data: Buffer | string) {
      sent.push(data);
      ws.bufferedAmount += typeof data === "string" ? data.length : data.length;
    },
    close() {
      ws.readyState = 3;
    },
  };
  return { ws, sent, bytes: () => Buffer.concat(sent.filter((d): d is Buffer => Buffer.isBuffer(d))), json: () => sent.filter((d) => typeof d === "string").map((d) => JSON.parse(d as string)) };
}

const hooks = { onInput: () => undefined, onOutput: () => undefined, onDetach: () => undefined };
const make = (bufferBytes: number, hwm: number) => new TerminalSession("box", { bufferBytes, socketHighWaterBytes: hwm, clock: Date.now }, hooks, { cols: 80, rows: 24 });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("terminal session backpressure", () => {
  it("stops sending to a backed-up socket without holding others back, then lets it catch up from its cursor", async () => {
    const s = make(1024 * 1024, 10_000);
    const slow = slowSocket();
    const fast = slowSocket();
    s.attach({ ws: slow.ws as unknown as WebSocket, mode: "interactive", actor: "a", requestId: "r" }, 0, {});
    s.attach({ ws: fast.ws as unknown as WebSocket, mode: "interactive", actor: "a", requestId: "r" }, 0, {});
    for (let i = 0; i < 20; i++) {
      s.pushOutput(Buffer.alloc(1000, 65 + i));
      fast.ws.bufferedAmount = 0; // the fast one drains at once
    }
    expect(fast.bytes().length).toBe(20_000);
    // the slow one got output only until its queue passed the mark, and nothing was buffered for it beyond that
    expect(slow.bytes().length).toBeLessThan(12_000);
    slow.ws.bufferedAmount = 0;
    await wait(100);
    const got = slow.bytes();
    expect(got.length).toBe(20_000);
    expect(got.equals(fast.bytes())).toBe(true);
  });

  it("sends a gap to a socket that fell out of the buffer while backed up", async () => {
    const s = make(5000, 100);
    const slow = slowSocket();
    s.attach({ ws: slow.ws as unknown as WebSocket, mode: "interactive", actor: "a", requestId: "r" }, 0, {});
    for (let i = 0; i < 20; i++) s.pushOutput(Buffer.alloc(1000, 65 + i));
    const before = slow.bytes().length;
    slow.ws.bufferedAmount = 0;
    await wait(100);
    const gap = slow.json().find((m) => m.state === "gap");
    expect(gap).toBeDefined();
    expect(before + gap.missed + (slow.bytes().length - before)).toBe(20_000);
    // it ends with the newest kept bytes, in order
    expect(slow.bytes().subarray(-1000).equals(Buffer.alloc(1000, 65 + 19))).toBe(true);
  });

  it("cuts output on character boundaries before it is kept", () => {
    const s = make(1024, 1_000_000);
    const sock = slowSocket();
    s.attach({ ws: sock.ws as unknown as WebSocket, mode: "interactive", actor: "a", requestId: "r" }, 0, {});
    const euro = Buffer.from("€");
    s.pushOutput(Buffer.concat([Buffer.from("a"), euro.subarray(0, 2)]));
    s.pushOutput(euro.subarray(2));
    expect(sock.sent.filter(Buffer.isBuffer).map((b) => (b as Buffer).toString("utf8"))).toEqual(["a", "€"]);
    expect(s.offset).toBe(4);
  });
});
