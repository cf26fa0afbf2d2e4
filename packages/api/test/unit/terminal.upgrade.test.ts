import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { attachTerminal } from "../../src/http/terminalUpgrade.js";
import { DEFAULT_TERMINAL, type ComposeConfig } from "../../src/compose.js";
import { TermClient } from "../support/termClient.js";
import { KEY, createSpace, makeApp, type TestApp } from "./helpers.js";

interface Harness extends TestApp {
  server: Server;
  ws(path: string): string;
  now: { t: number };
}

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await h.deps.terminals.close();
    h.server.closeAllConnections();
    await new Promise((r) => h.server.close(r));
  }
});

async function harness(terminal: Partial<typeof DEFAULT_TERMINAL> = {}, logger = pino({ level: "silent" })): Promise<Harness> {
  const now = { t: 1_700_000_000_000 };
  const config: Partial<ComposeConfig> = { terminal: { ...DEFAULT_TERMINAL, ...terminal } };
  const t = makeApp({ config, clock: () => now.t, logger });
  const server = createServer(t.app);
  attachTerminal(server, t.deps);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const h = { ...t, server, now, ws: (path: string) => `ws://127.0.0.1:${port}${path}` };
  harnesses.push(h);
  await createSpace(t, "box");
  return h;
}

const bearer = { authorization: `Bearer ${KEY}` };

describe("terminal upgrade: auth and refusals (fake runtime)", () => {
  it("answers a real HTTP 401 without a key or with a wrong one, and never starts a shell", async () => {
    const h = await harness();
    await expect(TermClient.open(h.ws("/api/spaces/box/terminal"))).rejects.toMatchObject({ status: 401 });
    const bad = TermClient.open(h.ws("/api/spaces/box/terminal?key=wrong"));
    await expect(bad).rejects.toMatchObject({ status: 401 });
    const err = await bad.catch((e: { body: string }) => JSON.parse(e.body));
    expect(err).toMatchObject({ code: "UNAUTHORIZED" });
    expect(h.fake.ttys).toHaveLength(0);
  });

  it("with a public URL configured, the terminal's own origin is that URL's, never the Host header's", async () => {
    const h = await harness({ publicOrigin: "https://dash.example" });
    const hostOrigin = new URL(h.ws("/")).origin.replace(/^ws/, "http");
    await expect(TermClient.open(h.ws("/api/spaces/box/terminal"), { ...bearer, origin: hostOrigin })).rejects.toMatchObject({ status: 403 });
    const ok = await TermClient.open(h.ws("/api/spaces/box/terminal"), { ...bearer, origin: "https://dash.example" });
    expect(ok.session()).toMatchObject({ created: true });
    await ok.close();
  });

  it("refuses a terminal over the limits with a real HTTP 429, before any shell starts", async () => {
    const h = await harness({ limits: { sessionsPerSpace: 1, sessions: 10, viewersPerSession: 1 } });
    const a = await TermClient.open(h.ws("/api/spaces/box/terminal"), bearer);
    await expect(TermClient.open(h.ws("/api/spaces/box/terminal"), bearer)).rejects.toMatchObject({ status: 429 });
    await expect(TermClient.open(h.ws(`/api/spaces/box/terminal?session=${a.session()!.id}&mode=view`), bearer)).rejects.toMatchObject({ status: 429 });
    expect(h.fake.ttys).toHaveLength(1);
    await a.close();
  });

  it("accepts a bearer key or ?key=", async () => {
    const h = await harness();
    const a = await TermClient.open(h.ws("/api/spaces/box/terminal"), bearer);
    const b = await TermClient.open(h.ws(`/api/spaces/box/terminal?key=${KEY}`));
    expect(a.session()).toMatchObject({ created: true, offset: 0, mode: "interactive" });
    expect(b.session()!.id).not.toBe(a.session()!.id);
    await a.close();
    await b.close();
  });

  it("answers 404 for a missing space or session, 400 for a bad query, 403 for a foreign origin", async () => {
    const h = await harness({ allowedOrigins: ["https://dash.example"] });
    await expect(TermClient.open(h.ws("/api/spaces/nope/terminal"), bearer)).rejects.toMatchObject({ status: 404 });
    await expect(TermClient.open(h.ws("/api/spaces/box/terminal?session=abc"), bearer)).rejects.toMatchObject({ status: 404 });
    await expect(TermClient.open(h.ws("/api/spaces/box/terminal?since=-1"), bearer)).rejects.toMatchObject({ status: 400 });
    await expect(TermClient.open(h.ws("/api/spaces/box/terminal?mode=view"), bearer)).rejects.toMatchObject({ status: 400 });
    await expect(TermClient.open(h.ws("/api/spaces/b%20x/terminal"), bearer)).rejects.toMatchObject({ status: 400 });
    await expect(TermClient.open(h.ws("/api/spaces/box/other"), bearer)).rejects.toMatchObject({ status: 404 });
    await expect(TermClient.open(h.ws("/api/spaces/box/terminal"), { ...bearer, origin: "https://evil.example" })).rejects.toMatchObject({ status: 403 });
    const ok = await TermClient.open(h.ws("/api/spaces/box/terminal"), { ...bearer, origin: "https://dash.example" });
    await ok.close();
    // an anonymous caller learns nothing about spaces
    await expect(TermClient.open(h.ws("/api/spaces/nope/terminal"))).rejects.toMatchObject({ status: 401 });
  });

  it("takes a ticket once, only for its space, only within 30 seconds, and never logs it", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (s: string) => void lines.push(s) });
    const h = await harness({}, logger);
    await createSpace(h, "other");
    const issue = async (space: string) => (await h.api.post(`/api/spaces/${space}/terminal/ticket`).expect(201)).body;
    const t1 = await issue("box");
    expect(t1.path).toBe(`/api/spaces/box/terminal?ticket=${t1.ticket}`);
    expect(Date.parse(t1.expiresAt)).toBe(h.now.t + 30_000);
    const c = await TermClient.open(h.ws(t1.path));
    await c.close();
    await expect(TermClient.open(h.ws(t1.path))).rejects.toMatchObject({ status: 401 });
    const t2 = await issue("box");
    await expect(TermClient.open(h.ws(`/api/spaces/other/terminal?ticket=${t2.ticket}`))).rejects.toMatchObject({ status: 401 });
    const t3 = await issue("box");
    h.now.t += 30_001;
    await expect(TermClient.open(h.ws(t3.path))).rejects.toMatchObject({ status: 401 });
    await h.api.post("/api/spaces/nope/terminal/ticket").expect(404);
    const all = lines.join("");
    for (const t of [t1, t2, t3]) expect(all).not.toContain(t.ticket);
    expect(all).toContain("ticket=[REDACTED]");
  });
});

describe("terminal sessions (fake runtime)", () => {
  it("echoes keystrokes, ignores a view-only socket, and replays from a cursor after reconnect", async () => {
    const h = await harness();
    const a = await TermClient.open(h.ws("/api/spaces/box/terminal"), bearer);
    const id = a.session()!.id;
    a.type("hello");
    await a.waitText(/hello/);
    const v = await TermClient.open(h.ws(`/api/spaces/box/terminal?session=${id}&mode=view`), bearer);
    // a view socket starting with no cursor gets everything kept
    await v.waitText(/hello/);
    v.type("nope");
    await v.until(() => v.messages.some((m) => m.code === "FORBIDDEN"), 5000, "refusal");
    const cursor = a.offset();
    await a.close();
    h.fake.ttys[0]!.emit("missed-1 ");
    h.fake.ttys[0]!.emit("missed-2");
    const b = await TermClient.open(h.ws(`/api/spaces/box/terminal?session=${id}&since=${cursor}`), bearer);
    await b.waitText(/missed-2/);
    expect(b.text()).toBe("missed-1 missed-2");
    expect(h.fake.ttys[0]!.input.map(String).join("")).toBe("hello");
    const res = await h.api.get("/api/spaces/box/terminals").expect(200);
    expect(res.body.terminals).toEqual([expect.objectContaining({ id, viewers: 2, offset: 22, space: "box" })]);
    await v.close();
    await b.close();
  });

  it("sends a gap status when the cursor fell out of the buffer", async () => {
    const h = await harness({ bufferBytes: 4096 });
    const a = await TermClient.open(h.ws("/api/spaces/box/terminal"), bearer);
    const id = a.session()!.id;
    await a.close();
    for (let i = 0; i < 10; i++) h.fake.ttys[0]!.emit(Buffer.alloc(1000, 97 + i));
    const b = await TermClient.open(h.ws(`/api/spaces/box/terminal?session=${id}&since=0`), bearer);
    await b.waitStatus("gap");
    const gap = b.messages.find((m) => m.state === "gap")!;
    expect(gap.missed).toBe(6000);
    await b.until(() => b.bytes().length === 4000, 5000, "the kept bytes");
    expect(b.text().startsWith("g")).toBe(true);
    await b.close();
  });

  it("clamps resize, answers ping, and ends with the shell's exit code", async () => {
    const h = await harness();
    const a = await TermClient.open(h.ws("/api/spaces/box/terminal?cols=0&rows=9999"), bearer);
    expect(h.fake.ttys[0]!.spec).toMatchObject({ cols: 1, rows: 500, argv: ["bash", "-l"], cwd: "/workspace" });
    a.json({ type: "resize", cols: 120, rows: 40 });
    a.json({ type: "ping" });
    a.ws.send("not json");
    await a.until(() => a.messages.some((m) => m.type === "pong"), 5000, "pong");
    await a.until(() => a.messages.some((m) => m.code === "VALIDATION_FAILED"), 5000, "validation error");
    expect(h.fake.ttys[0]!.size).toEqual({ cols: 120, rows: 40 });
    h.fake.ttys[0]!.exit(7);
    await a.waitStatus("exited");
    expect(a.messages.find((m) => m.state === "exited")).toMatchObject({ exitCode: 7 });
    await a.until(() => a.closed, 5000, "close");
    expect(h.deps.terminals.counts()).toEqual({ sessions: 0, viewers: 0 });
  });

  it("tells viewers when the space is paused and resumed, and typing into a paused space wakes it", async () => {
    const h = await harness();
    const a = await TermClient.open(h.ws("/api/spaces/box/terminal"), bearer);
    await h.api.post("/api/spaces/box/stop").expect(200);
    await a.waitStatus("paused");
    a.type("x");
    await a.waitStatus("running");
    expect(h.fake.containers.get("box")!.state).toBe("running");
    const wake = h.deps.audit.query({ space: "box", type: "space.wake", limit: 10 });
    expect(wake.at(-1)?.meta).toMatchObject({ cause: "terminal", tier: "warm" });
    await a.close();
  });

  it("wakes a paused space on attach and says so in the session message", async () => {
    const h = await harness();
    await h.api.post("/api/spaces/box/stop").expect(200);
    const a = await TermClient.open(h.ws("/api/spaces/box/terminal"), bearer);
    expect(a.session()).toMatchObject({ wake: "warm" });
    await a.close();
  });

  it("counts input as activity, and output only shortly after input", async () => {
    const h = await harness({ outputActivityMs: 10_000 });
    const a = await TermClient.open(h.ws("/api/spaces/box/terminal"), bearer);
    const last = () => h.deps.activity.lastActivity("box")!;
    h.now.t += 60_000;
    a.type("ls");
    await a.waitText(/ls/);
    expect(last()).toMatchObject({ at: h.now.t, source: "terminal" });
    h.now.t += 5_000;
    h.fake.ttys[0]!.emit("soon after");
    await a.waitText(/soon after/);
    expect(last().at).toBe(h.now.t);
    const marked = h.now.t;
    h.now.t += 60_000;
    h.fake.ttys[0]!.emit("tail -f output");
    await a.waitText(/tail -f output/);
    expect(last().at).toBe(marked);
    // nothing attached and idle holds the space awake
    expect(h.deps.activity.runningCounts("box")).toEqual({ exec: 0, terminal: 0, task: 0 });
    await a.close();
  });

  it("ends a session nobody watches after the idle time, and one whose space is destroyed", async () => {
    const h = await harness({ idleMs: 1000 });
    const a = await TermClient.open(h.ws("/api/spaces/box/terminal"), bearer);
    await a.close();
    expect(h.deps.terminals.counts().sessions).toBe(1);
    await new Promise((r) => setTimeout(r, 1300));
    expect(h.deps.terminals.counts().sessions).toBe(0);
    // the abandoned shell's processes are ended by their id
    expect(h.fake.execLog.some((e) => e.spec.env?.TARGET === h.fake.ttys[0]!.spec.env?.CLAWDSPACE_EXEC_ID)).toBe(true);

    const b = await TermClient.open(h.ws("/api/spaces/box/terminal"), bearer);
    await h.api.delete("/api/spaces/box").expect(200);
    await b.waitStatus("exited");
    await b.until(() => b.closed, 5000, "close");
    const types = h.deps.audit.query({ type: "terminal.open", limit: 10 }).map((e) => e.meta);
    expect(types).toHaveLength(2);
  });
});

describe("terminal: keystrokes sent before the session message", () => {
  it("are kept and reach the shell", async () => {
    const h = await harness();
    const WebSocket = (await import("ws")).default;
    const ws = new WebSocket(h.ws("/api/spaces/box/terminal"), { headers: bearer });
    await new Promise((r) => ws.once("open", r));
    ws.send(Buffer.from("early"), { binary: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.ttys[0]!.input.map(String).join("")).toBe("early");
    ws.close();
  });
});
