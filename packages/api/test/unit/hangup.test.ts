import { createServer } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { makeApp } from "./helpers.js";

/** Sends headers announcing a big body, then trickles; resolves with what came back and whether the server hung up. */
function trickle(port: number, headers: string): Promise<{ text: string; closedMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = connect(port, "127.0.0.1");
    let text = "";
    sock.on("data", (b) => (text += b.toString()));
    const timer = setInterval(() => sock.writable && sock.write("x"), 50);
    sock.on("close", () => {
      clearInterval(timer);
      resolve({ text, closedMs: Date.now() - started });
    });
    sock.on("error", () => undefined);
    sock.write(`POST /api/spaces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n${headers}\r\n`);
    setTimeout(() => sock.destroy(), 4000);
  });
}

describe("clients that trickle a body the server will not take", () => {
  it("a 401 (no key) and a 413 (over the limit) answer and then close the connection", { timeout: 15_000 }, async () => {
    const t = makeApp();
    const server = createServer(createApp(t.deps));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    try {
      const noKey = await trickle(port, "");
      expect(noKey.text).toMatch(/^HTTP\/1\.1 401/);
      expect(noKey.text.toLowerCase()).toContain("connection: close");
      expect(noKey.closedMs).toBeLessThan(3000);
      const big = await trickle(port, "Authorization: Bearer cs_test_key_0123456789abcdef\r\n");
      expect(big.text).toMatch(/^HTTP\/1\.1 413/);
      expect(big.closedMs).toBeLessThan(3000);
    } finally {
      server.close();
    }
  });
});
