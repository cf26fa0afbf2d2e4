import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { attachTunnel } from "../../src/tunnel/upgrade.js";
import { DEFAULT_TERMINAL } from "../../src/compose.js";
import { KEY, createSpace, makeApp, type TestApp } from "./helpers.js";

interface Harness extends TestApp {
  server: Server;
  ws(path: string): string;
}

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    h.server.closeAllConnections();
    await new Promise((r) => h.server.close(r));
  }
});

/** A fake "process" at the tunnel's far end: reads stdin to its end and answers it upper-cased. */
async function harness(): Promise<Harness> {
  const t = makeApp();
  t.fake.execHandler = async (_space, spec) => {
    if (!spec.stdin || Buffer.isBuffer(spec.stdin)) return { stdout: "", exitCode: 0 };
    const chunks: Buffer[] = [];
    for await (const c of spec.stdin as Readable) chunks.push(c as Buffer);
    return { stdout: Buffer.concat(chunks).toString("utf8").toUpperCase(), exitCode: 0 };
  };
  const server = createServer(t.app);
  attachTunnel(server, { ...t.deps, origins: DEFAULT_TERMINAL });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const h = { ...t, server, ws: (path: string) => `ws://127.0.0.1:${port}${path}` };
  harnesses.push(h);
  await createSpace(t, "box");
  return h;
}

const bearer = { authorization: `Bearer ${KEY}` };

/** Opens a tunnel; resolves with the socket, or rejects with the refusal's status and body. */
function open(url: string, headers: Record<string, string> = bearer): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body: JSON.parse(body) })));
    });
    ws.once("open", () => resolve(ws));
    ws.once("error", () => undefined);
  });
}

/** Sends bytes, half-closes, and collects what comes back until the server closes. */
function roundTrip(ws: WebSocket, data: string): Promise<{ text: string; code: number }> {
  return new Promise((resolve) => {
    let text = "";
    ws.on("message", (d: Buffer, binary) => binary && (text += d.toString()));
    ws.once("close", (code) => resolve({ text, code }));
    ws.send(Buffer.from(data), { binary: true });
    ws.send(JSON.stringify({ type: "eof" }));
  });
}

describe("tunnel upgrade (fake runtime)", () => {
  it("carries bytes both ways, half-closes on eof, and audits open and close with byte counts (never content)", async () => {
    const h = await harness();
    const ws = await open(h.ws("/api/spaces/box/tunnel?target=ssh"));
    expect(await roundTrip(ws, "hello tunnel")).toEqual({ text: "HELLO TUNNEL", code: 1000 });
    const run = h.fake.execLog.find((e) => e.spec.argv.join(" ").includes("sshd -i"))!;
    // the space's user, never root; our own PATH
    expect(run.spec.user).toBe("1001:1001");
    expect(run.spec.argv.join(" ")).toContain("PasswordAuthentication=no");
    const audit = (await h.api.get("/api/audit?space=box")).body.events as Array<{ type: string; meta: Record<string, unknown> }>;
    expect(audit.find((e) => e.type === "tunnel.open")?.meta).toMatchObject({ target: "ssh" });
    const close = audit.find((e) => e.type === "tunnel.close")!;
    expect(close.meta).toMatchObject({ target: "ssh", bytesIn: 12, bytesOut: 12, exitCode: 0 });
    expect(JSON.stringify(close)).not.toContain("hello");
    expect((await h.api.get("/api/spaces/box")).body.space.activity.lastSource).toBe("tunnel");
  });

  it("port=N runs the connector to 127.0.0.1:N in the space", async () => {
    const h = await harness();
    const ws = await open(h.ws("/api/spaces/box/tunnel?port=8080"));
    expect((await roundTrip(ws, "x")).text).toBe("X");
    expect(h.fake.execLog.some((e) => e.spec.argv[0] === "python3" && e.spec.argv.at(-1) === "8080" && e.spec.user === "1001:1001")).toBe(true);
  });

  it("refuses before the upgrade: 401 without or with a wrong key, 404 for a missing space, 400 for a bad query", async () => {
    const h = await harness();
    await expect(open(h.ws("/api/spaces/box/tunnel?target=ssh"), {})).rejects.toMatchObject({ status: 401, body: { code: "UNAUTHORIZED" } });
    await expect(open(h.ws("/api/spaces/box/tunnel?target=ssh"), { authorization: "Bearer wrong" })).rejects.toMatchObject({ status: 401 });
    await expect(open(h.ws("/api/spaces/nope/tunnel?target=ssh"))).rejects.toMatchObject({ status: 404, body: { code: "SPACE_NOT_FOUND" } });
    for (const q of ["", "target=ftp", "port=0", "port=70000", "target=ssh&port=22", "target=port", "port=80&extra=1"]) {
      await expect(open(h.ws(`/api/spaces/box/tunnel?${q}`)), q).rejects.toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
    }
    expect(h.fake.execLog.filter((e) => e.spec.stdin)).toHaveLength(0);
  });

  it("refuses with 403 what the space's template closes: ssh off, ports outside its list", async () => {
    const h = await harness();
    const put = await h.api.put("/api/templates", { name: "closed", tunnel: { ssh: false, ports: [3000] } });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    await createSpace(h, "shut", { template: "closed" });
    await expect(open(h.ws("/api/spaces/shut/tunnel?target=ssh"))).rejects.toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
    await expect(open(h.ws("/api/spaces/shut/tunnel?port=8080"))).rejects.toMatchObject({ status: 403 });
    const ok = await open(h.ws("/api/spaces/shut/tunnel?port=3000"));
    expect((await roundTrip(ok, "ok")).text).toBe("OK");
    // the key route is closed with ssh
    expect((await h.api.post("/api/spaces/shut/ssh/keys", { publicKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBv8 me" })).status).toBe(403);
  });

  it("a single-use ticket opens one tunnel, once", async () => {
    const h = await harness();
    const t = await h.api.post("/api/spaces/box/tunnel/ticket");
    expect(t.status).toBe(201);
    const ws = await open(h.ws(`${t.body.path}&target=ssh`), {});
    await roundTrip(ws, "a");
    await expect(open(h.ws(`${t.body.path}&target=ssh`), {})).rejects.toMatchObject({ status: 401 });
  });

  it("wakes a sleeping space before it accepts the socket", async () => {
    const h = await harness();
    expect((await h.api.post("/api/spaces/box/stop")).status).toBe(200);
    const ws = await open(h.ws("/api/spaces/box/tunnel?target=ssh"));
    expect((await roundTrip(ws, "z")).text).toBe("Z");
    const audit = (await h.api.get("/api/audit?space=box&type=space.wake")).body.events as Array<{ meta: { cause: string } }>;
    expect(audit.map((e) => e.meta.cause)).toContain("tunnel");
  });

  it("closes with 1003 on a text frame that is not {type: eof}", async () => {
    const h = await harness();
    const ws = await open(h.ws("/api/spaces/box/tunnel?target=ssh"));
    const code = await new Promise<number>((resolve) => {
      ws.once("close", (c) => resolve(c));
      ws.send("not json");
    });
    expect(code).toBe(1003);
  });
});
