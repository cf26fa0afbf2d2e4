import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.js";
import { CorruptRecordError, RecordDecoder } from "../../src/tasks/records.js";
import { TaskWebhook, signWebhook } from "../../src/tasks/webhook.js";
import { ExecTaskAgent } from "../../src/tasks/agentExec.js";
import { FakeTaskAgent } from "../support/fakes/fakeTaskAgent.js";
import { FakeWorld } from "../support/fakes/world.js";
import { createSpace, makeApp } from "./helpers.js";

const frame = (tag: string, payload: string) => {
  const p = Buffer.from(payload);
  const h = Buffer.alloc(5);
  h.write(tag, 0, "latin1");
  h.writeUInt32BE(p.length, 1);
  return Buffer.concat([h, p]);
};

describe("agent records", () => {
  it("decodes records split at any byte", () => {
    const bytes = Buffer.concat([frame("h", "{}"), frame("o", "héllo"), frame("e", "")]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new RecordDecoder();
      const out = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
      expect(out.map((r) => `${r.tag}:${r.payload.toString()}`)).toEqual(["h:{}", "o:héllo", "e:"]);
    }
  });

  it("refuses an unknown tag or an oversized length instead of buffering it", () => {
    expect(() => new RecordDecoder().push(Buffer.from([0x7a, 0, 0, 0, 1, 0]))).toThrow(CorruptRecordError);
    expect(() => new RecordDecoder().push(Buffer.from([0x6f, 0xff, 0xff, 0xff, 0xff]))).toThrow(CorruptRecordError);
  });
});

describe("task webhook", () => {
  it("posts each finished task signed over timestamp and body, retrying after a failure", async () => {
    const secret = "a-webhook-secret-of-some-length";
    const got: Array<{ headers: Record<string, unknown>; body: string }> = [];
    let first = true;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        got.push({ headers: req.headers, body });
        res.statusCode = first ? 500 : 204;
        first = false;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const hook = new TaskWebhook({ url, secret, baseDelayMs: 20 }, pino({ level: "silent" }));
    hook.taskEnded({ id: "tsk_x", state: "succeeded", exitCode: 0 } as never);
    for (let i = 0; i < 100 && hook.delivered === 0; i++) await new Promise((r) => setTimeout(r, 20));
    server.close();
    hook.stop();
    expect(hook.delivered).toBe(1);
    expect(got).toHaveLength(2);
    const last = got[1]!;
    expect(JSON.parse(last.body)).toMatchObject({ event: "task.end", task: { id: "tsk_x", exitCode: 0 } });
    expect(last.headers["x-clawdspace-signature"]).toBe(signWebhook(secret, String(last.headers["x-clawdspace-timestamp"]), last.body));
    expect(got[0]!.headers["x-clawdspace-delivery"]).toBe(last.headers["x-clawdspace-delivery"]);
  });

  it("keeps a bounded queue when the receiver never answers", () => {
    const hook = new TaskWebhook({ url: "http://127.0.0.1:9/", secret: "x".repeat(16), maxQueue: 3 }, pino({ level: "silent" }), () => new Promise(() => undefined));
    for (let i = 0; i < 20; i++) hook.taskEnded({ id: `t${i}` } as never);
    expect(hook.failed).toBe(20 - 4 - 3);
    hook.stop();
  });
});

describe("tasks across a server restart", () => {
  it("gives a task that ended while the server was down its real outcome", async () => {
    const fake = new FakeWorld();
    const agent = new FakeTaskAgent(fake);
    const db = openDb(":memory:");
    const first = makeApp({ fake, taskAgent: agent, db });
    await createSpace(first, "box");
    const task = (await first.api.post("/api/spaces/box/tasks", { command: "make" })).body.task;
    // the first server is gone; the task ends meanwhile; a second server opens the same store
    agent.end(task.id, 7);
    const second = makeApp({ fake, taskAgent: agent, db });
    expect((await second.api.get("/api/spaces/box/sleep")).body.blockedBy.map((b: any) => b.reason)).toContain("task");
    await second.deps.taskParts.watcher.tick();
    expect((await second.api.get(`/api/spaces/box/tasks/${task.id}`)).body.task).toMatchObject({ state: "failed", exitCode: 7 });
  });
});

describe("the supervisor through exec", () => {
  it("says a space without the supervisor cannot run tasks, and drops status lines it cannot trust", async () => {
    const fake = new FakeWorld();
    const t = makeApp({ fake });
    await createSpace(t, "box");
    fake.execHandler = () => ({ stdout: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "/opt/clawdspace/bin/clawdspace-agent": stat: no such file or directory', exitCode: 126 });
    const res = await t.api.post("/api/spaces/box/tasks", { command: "true" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("TASKS_UNSUPPORTED");
    fake.execHandler = () => ({
      stdout: ['{"id":"tsk_aaaaaaaaaaaaaaaa","state":"exited","alive":false,"exitCode":0}', "garbage", '{"id":"x","state":"weird","alive":true}', '{"id":"y","state":"running","alive":"yes"}'].join("\n"),
      exitCode: 0,
    });
    const statuses = await new ExecTaskAgent(fake.engine.exec).statuses("box");
    expect([...statuses.keys()]).toEqual(["tsk_aaaaaaaaaaaaaaaa"]);
    const spec = fake.execLog.at(-1)!.spec;
    expect(spec.argv[0]).toBe("/opt/clawdspace/bin/clawdspace-agent");
    expect(spec.env?.PATH).toBe("/usr/sbin:/usr/bin:/sbin:/bin");
  });
});

describe("task logs through exec", () => {
  it("hands records on in order even when the engine delivers the next chunk before the last one is written", async () => {
    const chunks = [frame("h", "{}"), Buffer.concat([frame("o", "a"), frame("o", "b")]), frame("o", "c")];
    // Like the Docker adapter: several frames of one read reach the sink before backpressure pauses the stream.
    const exec = {
      async run(_n: string, _s: unknown, sink: (s: "stdout", c: Buffer) => unknown) {
        for (const c of chunks) void sink("stdout", c);
        return { exitCode: 0 };
      },
      openTty: () => Promise.reject(new Error("no tty")),
    };
    const seen: string[] = [];
    await new ExecTaskAgent(exec as never).logs("box", "tsk_aaaaaaaaaaaaaaaa", { offset: 0, follow: false }, async (r) => {
      await new Promise((res) => setTimeout(res, r.payload.toString() === "a" ? 20 : 0));
      seen.push(`${r.tag}${r.payload.toString()}`);
    });
    expect(seen).toEqual(["h{}", "oa", "ob", "oc"]);
  });
});
