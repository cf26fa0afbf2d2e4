import { describe, expect, it } from "vitest";
import { TermClient, count } from "../support/termClient.js";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable } from "./support.js";

describe.skipIf(!engineAvailable)("terminal over WebSocket on the real engine", () => {
  const s = useServerWithSpace("term");
  const { name } = s;
  const wsUrl = (q = "") => s.terminalUrl(name, q);
  const auth = () => ({ authorization: `Bearer ${s.key}` });
  // the fixture closes every terminal it opened
  const open = (q = "") => s.terminal(name, q);

  it("runs bash in /workspace: echo $((6*7)) prints 42, and the session is listed", async () => {
    const t = await open();
    expect(t.session()).toMatchObject({ created: true, offset: 0 });
    t.type("pwd; echo $((6*7))\r");
    await t.waitText(/[\r\n]42\r\n/);
    expect(t.text()).toContain("/workspace");
    const list = await s.client.terminals(name);
    expect(list.find((x) => x.id === t.session()!.id)).toMatchObject({ viewers: 1, space: name });
    await t.close();
  });

  it("applies a clamped resize (stty size)", async () => {
    const t = await open("?cols=100&rows=30");
    t.type("stty size\r");
    await t.waitText(/[\r\n]30 100\r\n/);
    t.json({ type: "resize", cols: 5000, rows: 0 });
    // The resize is applied asynchronously; a later command sees it.
    await new Promise((r) => setTimeout(r, 300));
    t.type("stty size\r");
    await t.waitText(/[\r\n]1 1000\r\n/);
    t.json({ type: "ping" });
    await t.until(() => t.messages.some((m) => m.type === "pong"), 10_000, "pong");
    await t.close();
  });

  it("replays exactly the missed output once after a reconnect with session and cursor", async () => {
    const a = await open("?cols=200");
    const id = a.session()!.id;
    // A witness watches the whole time: what the reconnecting client ends up with must equal what it saw.
    const witness = await open(`?session=${id}&since=0`);
    a.type("echo READY_$((1+1))\r");
    await a.waitText(/READY_2\r\n/);
    // Output produced while no socket of this client is attached.
    a.type("sleep 1.5; echo MISSED_$((2+3)); echo AFTER_$((3+4))\r");
    await a.waitText(/sleep 1\.5/);
    const cursor = a.offset();
    const before = a.bytes();
    await a.close();
    await witness.waitText(/AFTER_7\r\n/);
    const b = await open(`?session=${id}&since=${cursor}`);
    expect(b.session()).toMatchObject({ id, offset: cursor, created: false });
    await b.waitText(/AFTER_7\r\n/);
    const upTo = (buf: Buffer) => buf.subarray(0, buf.indexOf("AFTER_7\r\n") + 9);
    const joined = Buffer.concat([before, b.bytes()]);
    expect(upTo(joined).toString("utf8")).toBe(upTo(witness.bytes()).toString("utf8"));
    const all = joined.toString("utf8");
    expect(count(all, "MISSED_5\r\n")).toBe(1);
    expect(count(all, "READY_2\r\n")).toBe(1);
    expect(b.messages.some((m) => m.state === "gap")).toBe(false);
    await b.close();
    await witness.close();
  });

  it("lets two viewers see the same bytes, and a view-only socket cannot type", async () => {
    const a = await open();
    const id = a.session()!.id;
    const b = await open(`?session=${id}&since=${a.offset()}`);
    const v = await open(`?session=${id}&mode=view&since=${a.offset()}`);
    const startA = a.offset();
    const startB = b.session()!.offset;
    v.type("echo VIEWER_$((40+2))\r");
    v.json({ type: "input", data: "echo VIEWER_$((40+2))\r" });
    await v.until(() => v.messages.filter((m) => m.type === "error" && m.code === "FORBIDDEN").length >= 2, 10_000, "view-only refusals");
    a.type("echo SHARED_$((5*5))\r");
    await a.waitText(/SHARED_25\r\n/);
    await b.waitText(/SHARED_25\r\n/);
    await v.waitText(/SHARED_25\r\n/);
    const fromA = a.bytes().subarray(startA - a.session()!.offset);
    const fromB = b.bytes().subarray(Math.max(0, startA - startB));
    const upTo = (buf: Buffer) => buf.subarray(0, buf.indexOf("SHARED_25\r\n") + 11);
    expect(upTo(fromB).equals(upTo(fromA))).toBe(true);
    expect(a.text()).not.toContain("VIEWER_42");
    const list = await s.client.terminals(name);
    expect(list.find((x) => x.id === id)?.viewers).toBe(3);
    for (const c of [a, b, v]) await c.close();
  });

  it("re-joins a multi-byte character split across input frames, and output arrives whole", async () => {
    const t = await open();
    const euro = Buffer.from("€", "utf8"); // e2 82 ac
    t.type("echo X");
    t.ws.send(euro.subarray(0, 1), { binary: true });
    t.ws.send(euro.subarray(1), { binary: true });
    t.type("Y$((1+1))\r");
    await t.waitText(/X€Y2\r\n/);
    // Every frame decodes on its own.
    t.type("for i in $(seq 1 3000); do printf '世界🎉'; done; echo; echo DONE_$((1+1))\r");
    await t.waitText(/DONE_2\r\n/, 60_000);
    for (const f of t.frames) expect(f.toString("utf8")).not.toContain("\uFFFD");
    expect(count(t.text(), "世界🎉")).toBeGreaterThanOrEqual(3000);
    await t.close();
  });

  it("says when the space is paused, and continues after resume", async () => {
    const t = await open();
    t.type("echo BEFORE_$((1+1))\r");
    await t.waitText(/BEFORE_2\r\n/);
    await s.client.pauseSpace(name);
    await t.waitStatus("paused");
    await s.client.startSpace(name);
    await t.waitStatus("running");
    t.type("echo AFTER_$((2+2))\r");
    await t.waitText(/AFTER_4\r\n/);
    // Typing into a paused space wakes it, and the keystrokes are not lost.
    await s.client.pauseSpace(name);
    await t.waitStatus("paused");
    const n = t.messages.filter((m) => m.state === "running").length;
    t.type("echo TYPED_WHILE_PAUSED_$((1+2))\r");
    await t.until(() => t.messages.filter((m) => m.state === "running").length > n, 30_000, "running again");
    await t.waitText(/TYPED_WHILE_PAUSED_3\r\n/);
    expect((await s.client.getSpace(name)).status).toBe("running");
    await t.close();
  });

  it("wakes a paused space on attach and reports the wake in the session message", async () => {
    await s.client.pauseSpace(name);
    const t = await open();
    expect(t.session()).toMatchObject({ wake: "warm" });
    t.type("echo WOKE_$((3*3))\r");
    await t.waitText(/WOKE_9\r\n/);
    await t.close();
  });

  it("ends the session when the shell exits", async () => {
    const t = await open();
    const id = t.session()!.id;
    t.type("exit 3\r");
    await t.waitStatus("exited");
    expect(t.messages.find((m) => m.state === "exited")).toMatchObject({ exitCode: 3 });
    await t.until(() => t.closed, 10_000, "close");
    expect((await s.client.terminals(name)).some((x) => x.id === id)).toBe(false);
    await expect(open(`?session=${id}`)).rejects.toMatchObject({ status: 404 });
  });

  it("refuses an upgrade without a key, with a bad key, from a foreign origin, and with a used ticket", async () => {
    await expect(TermClient.open(wsUrl())).rejects.toMatchObject({ status: 401 });
    await expect(TermClient.open(wsUrl(), { authorization: "Bearer nope" })).rejects.toMatchObject({ status: 401 });
    await expect(TermClient.open(wsUrl(), { ...auth(), origin: "http://evil.example" })).rejects.toMatchObject({ status: 403 });
    await expect(TermClient.open(s.terminalUrl(`${name}-nope`), auth())).rejects.toMatchObject({ status: 404 });
    const { ticket } = await s.client.terminalTicket(name);
    const t = await s.terminal(name, `?ticket=${ticket}`, { origin: s.url });
    t.type("echo TICKET_$((2*4))\r");
    await t.waitText(/TICKET_8\r\n/);
    await t.close();
    await expect(TermClient.open(wsUrl(`?ticket=${ticket}`))).rejects.toMatchObject({ status: 401 });
  });

  it("writes terminal.open and terminal.close audit events with the session id", async () => {
    const t = await open();
    const id = t.session()!.id;
    await t.close();
    await new Promise((r) => setTimeout(r, 100));
    const events = s.deps.audit.query({ space: name, limit: 500 }).filter((e) => (e.meta as { session?: string } | undefined)?.session === id);
    expect(events.map((e) => e.type)).toEqual(["terminal.open", "terminal.close"]);
    expect(events[0]!.actor).toBe("default");
  });

  it("tells viewers the space hibernated, ends the session, and a new connection wakes it cold", async () => {
    const t = await open();
    t.type("echo ALIVE_$((1+1))\r");
    await t.waitText(/ALIVE_2\r\n/);
    expect(await s.deps.spaces.sleep.pauseIdle(name, Date.now() + 60_000, { test: true })).toBe(true);
    await t.waitStatus("sleeping");
    expect(await s.deps.spaces.sleep.hibernate(name, { test: true })).toBe(true);
    await t.waitStatus("hibernated");
    await t.waitStatus("exited", 60_000);
    await t.until(() => t.closed, 10_000, "close");
    const again = await open();
    expect(again.session()).toMatchObject({ wake: "cold", created: true });
    again.type("echo COLD_$((2+2))\r");
    await again.waitText(/COLD_4\r\n/);
    await again.close();
  });
});
