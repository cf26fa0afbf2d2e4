import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { useTestServer, type ServerFixture } from "./fixture.js";
import { engineAvailable } from "./support.js";

// The attacker is a real space (or a client without the key); each test asserts what the issue says must hold.

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

const events = (s: ServerFixture, space: string, type: string) => s.deps.audit.query({ space, type, limit: 1000 });

describe.skipIf(!engineAvailable)("hostile spaces against the history reader (issue 13 item 3)", () => {
  const s = useTestServer({ env: { HISTORY_POLL_MS: "300" } });

  it("a flood, a FIFO and an endless line cost their own space only; the calm space's lines and events all arrive", async () => {
    const [flood, fifo, long, calm] = ["flood", "fifo", "long", "calm"].map((p) => s.spaceName(p)) as [string, string, string, string];
    await Promise.all([flood, fifo, long, calm].map((name) => s.client.createSpace({ name, memory: "256m" })));
    await s.client.exec(calm, { command: "echo before-the-attack" });
    await Promise.all([
      s.client.exec(flood, { command: "yes 'echo flood' | head -n 300000 > /workspace/.bash_history" }),
      s.client.exec(fifo, { command: "rm -f /workspace/.bash_history && mkfifo /workspace/.bash_history" }),
      s.client.exec(long, { command: "head -c 400000 /dev/zero | tr '\\0' a > /workspace/.bash_history && printf '\\necho after-the-long-line\\n' >> /workspace/.bash_history" }),
      s.client.exec(calm, { command: "printf 'echo calm-typed\\n' >> /workspace/.bash_history" }),
    ]);
    // what terminal input does: each space's history may have grown
    for (const name of [flood, fifo, long, calm]) s.deps.history.markDirty(name);
    await until("the calm space's line", () => events(s, calm, "space.shell").some((e) => e.meta?.command === "echo calm-typed"));
    await until("the line after the endless one", () => {
      s.deps.history.markDirty(long);
      return events(s, long, "space.shell").some((e) => e.meta?.command === "echo after-the-long-line");
    });
    expect(events(s, long, "space.shell.dropped")[0]?.meta).toMatchObject({ reason: "a line longer than a read" });
    // the flood is budgeted and says what it dropped; it did not evict anything of the calm space
    await until("the flood's drop event", () => events(s, flood, "space.shell.dropped").length > 0);
    expect(events(s, flood, "space.shell").length).toBeLessThan(300_000);
    expect(events(s, calm, "space.exec").some((e) => JSON.stringify(e.meta).includes("before-the-attack"))).toBe(true);
    expect(events(s, fifo, "space.shell")).toEqual([]);
    // and the FIFO never stalls a pass or the shutdown
    const t = Date.now();
    await s.deps.history.stop();
    expect(Date.now() - t).toBeLessThan(15_000);
    s.deps.history.start();
  });
});

describe.skipIf(!engineAvailable)("hostile requests on the real engine (items 5, 7, 9, 10, 11)", () => {
  const s = useTestServer({ env: { EVENTS_MAX_STREAMS: "2", TERMINAL_MAX_SESSIONS_PER_SPACE: "2" } });

  it("env names that steer the runtime or the loader are refused; nothing is made", async () => {
    for (const env of [{ NVIDIA_VISIBLE_DEVICES: "all" }, { LD_PRELOAD: "/workspace/x.so" }]) {
      const name = s.spaceName("env");
      const res = await s.post("/api/spaces", { name, memory: "256m", env });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
      await expect(s.docker.getContainer(`clawdspace-${name}`).inspect()).rejects.toMatchObject({ statusCode: 404 });
    }
  });

  it("an unknown field is a 400 that names it, and no space is made (memroy must not mean 2 GiB)", async () => {
    const name = s.spaceName("strict");
    for (const body of [{ name, memroy: "8g" }, JSON.parse(`{"name":"${name}","constructor":{"x":1}}`)]) {
      const res = await s.post("/api/spaces", body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(/memroy|constructor/);
    }
    await expect(s.docker.getContainer(`clawdspace-${name}`).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("secrets typed in commands reach neither the audit log nor the answer's echo of the command; the mountpoint is /workspace", async () => {
    const name = s.spaceName("sec");
    const space = await s.client.createSpace({ name, memory: "256m" });
    expect(space.volume.mountpoint).toBe("/workspace");
    const secret = `S3cr${randomBytes(8).toString("hex")}`;
    const commands = [`mysql -p${secret} -e 'select 1'`, `curl -u admin:${secret} http://127.0.0.1:9/`, `sshpass -p ${secret} ssh x`, `aws configure set aws_secret_access_key ${secret}`, `echo hvs.${secret}`];
    for (const command of commands) await s.client.exec(name, { command: `${command} >/dev/null 2>&1; true` });
    const audit = JSON.stringify(s.deps.audit.query({ space: name, limit: 100 }));
    expect(audit).toContain("mysql");
    expect(audit).not.toContain(secret);
  });

  it("a client without the key that trickles a body after its 401 is hung up on", async () => {
    const port = Number(new URL(s.url).port);
    const sock = connect(port, "127.0.0.1");
    let answer = "";
    sock.on("data", (b) => (answer += b.toString()));
    const closed = new Promise<void>((r) => sock.on("close", () => r()));
    sock.write("POST /api/spaces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n");
    const drip = setInterval(() => sock.writable && sock.write("1\r\n \r\n"), 200);
    await closed;
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
    expect(answer).toContain('"code":"UNAUTHORIZED"');
  });

  it("event streams past the limit are a 429 with our JSON error; the held ones keep working", async () => {
    const open = await Promise.all([0, 1].map(() => s.fetch("/api/events")));
    for (const r of open) expect(r.status).toBe(200);
    const third = await s.fetch("/api/events");
    expect(third.status).toBe(429);
    expect(((await third.json()) as { code: string }).code).toBe("LIMIT_REACHED");
    for (const r of open) await r.body?.cancel();
  });
});
