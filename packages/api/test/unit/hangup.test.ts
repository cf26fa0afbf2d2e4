import { createServer } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { createSpace, makeApp } from "./helpers.js";

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

/** Streams a chunked body of 64 KiB chunks until the server answers and hangs up (or 4 s pass). */
function chunked(port: number, head: string): Promise<{ text: string; sentBytes: number; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = connect(port, "127.0.0.1");
    let text = "";
    let sentBytes = 0;
    let closed = false;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    sock.on("data", (b) => (text += b.toString()));
    const timer = setInterval(() => {
      if (!sock.writable) return;
      sock.write(`${chunk.length.toString(16)}\r\n`);
      sock.write(chunk);
      sock.write("\r\n");
      sentBytes += chunk.length;
    }, 5);
    const done = () => {
      clearInterval(timer);
      resolve({ text, sentBytes, closed });
    };
    sock.on("close", () => ((closed = true), done()));
    sock.on("error", () => undefined);
    sock.write(`${head}Host: 127.0.0.1\r\nAuthorization: Bearer cs_test_key_0123456789abcdef\r\nTransfer-Encoding: chunked\r\n\r\n`);
    setTimeout(() => (sock.destroy(), done()), 4000);
  });
}

describe("chunked bodies (no Content-Length) are held to the same limits", () => {
  it("a JSON body past BODY_LIMIT_BYTES and a tar past FILE_MAX_BYTES get a 413 and the connection closes", { timeout: 20_000 }, async () => {
    const t = makeApp({ config: { bodyLimitBytes: 256 * 1024, files: { maxUploadBytes: 1024 * 1024, maxTarEntries: 1000 } } });
    await createSpace(t, "s1");
    const server = createServer(createApp(t.deps));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    try {
      const json = await chunked(port, "POST /api/spaces/s1/exec HTTP/1.1\r\nContent-Type: application/json\r\n");
      expect(json.text).toMatch(/^HTTP\/1\.1 413/);
      expect(json.text).toContain("PAYLOAD_TOO_LARGE");
      expect(json.closed).toBe(true);
      expect(json.sentBytes).toBeLessThan(16 * 1024 * 1024);
      const tar = await chunked(port, "PUT /api/spaces/s1/archive?path=/ HTTP/1.1\r\nContent-Type: application/x-tar\r\n");
      expect(tar.text).toMatch(/^HTTP\/1\.1 4\d\d/);
      expect(tar.closed).toBe(true);
      expect(tar.sentBytes).toBeLessThan(16 * 1024 * 1024);
    } finally {
      server.close();
    }
  });
});

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
