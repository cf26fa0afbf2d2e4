import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { useTestServer } from "./fixture.js";
import { engineAvailable } from "./support.js";

const alnum = (n: number) => randomBytes(n * 2).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, n);
const upper = (n: number) => Array.from(randomBytes(n), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[b % 32]).join("");

/** Made up for this run, so finding one anywhere means we leaked it. */
const SECRETS = {
  github: `ghp_${alnum(36)}`,
  openai: `sk-${alnum(40)}`,
  aws: `AKIA${upper(16)}`,
  plain: `plain${alnum(24)}`,
};

describe.skipIf(!engineAvailable)("audit log on the real engine", () => {
  const log = new PassThrough();
  let logText = "";
  log.on("data", (c: Buffer) => (logText += c.toString()));
  // the store on disk, to search it for secrets; the space is made by the first test, as part of what it audits
  const s = useTestServer({ env: { AUDIT_MAX_EVENTS: "1000000", AUDIT_MAX_AGE_DAYS: "0" }, dataDir: true, logStream: log });
  const name = s.spaceName("audit");

  it("records every operation in order with actor and request id, and never a planted secret", async () => {
    const first = (await s.client.audit({ limit: 1 })).nextAfter ?? 0;
    await s.client.createSpace({ name, memory: "256m", env: { API_TOKEN: SECRETS.plain } });
    await s.client.exec(name, { command: `export GITHUB_TOKEN=${SECRETS.github}; curl -s -H "Authorization: Bearer ${SECRETS.openai}" http://127.0.0.1:9 || true` });
    await s.client.exec(name, { command: ["env", `AWS_ACCESS_KEY_ID=${SECRETS.aws}`, `TOKEN=${SECRETS.plain}`, "true"], env: { SECRET_THING: SECRETS.plain } });
    await s.client.exec(name, { command: ["sh", "-c", "exit 3"] });
    await s.client.writeFile(name, "/notes.txt", `my token is ${SECRETS.github} and ${SECRETS.aws}`);
    await s.client.mkdir(name, "/dir");
    await s.client.rename(name, "/notes.txt", "/dir/notes.txt");
    await s.client.deleteFile(name, "/dir", { recursive: true });
    await s.client.pauseSpace(name);
    const withId = await s.fetch(`/api/spaces/${name}/start`, { method: "POST", headers: { "x-request-id": "req-audit-start" } });
    expect(withId.status).toBe(200);
    // a failed request with a secret in its query must not leak either
    await s.fetch(`/api/spaces/${name}/file?path=/x&token=${SECRETS.plain}`);

    const { events } = await s.client.audit({ space: name, after: first, limit: 100 });
    expect(events.map((e) => e.type)).toEqual([
      "space.create",
      "space.exec",
      "space.exec",
      "space.exec",
      "space.file.write",
      "space.file.mkdir",
      "space.file.rename",
      "space.file.delete",
      "space.pause",
      "space.wake",
      "space.start",
    ]);
    for (const e of events) expect(e.actor).toBe("default");
    expect(events.every((e) => typeof e.requestId === "string" && e.requestId.length > 0)).toBe(true);
    expect(events.find((e) => e.type === "space.start")?.requestId).toBe("req-audit-start");
    expect(events[3]!.meta).toMatchObject({ command: ["sh", "-c", "exit 3"], exitCode: 3 });
    expect(events[2]!.meta?.env).toEqual(["SECRET_THING"]);
    expect(events[4]!.meta).toEqual({ path: "/notes.txt", bytes: expect.any(Number) });
    expect(events[8]!.meta).toMatchObject({ reason: "user" });

    // nowhere: the API's answers, the store's files on disk (WAL included), the server's log, /metrics
    s.deps.state.flush();
    const answers = JSON.stringify(events) + JSON.stringify([...(await collect(s.client.auditExport()))]);
    const files = await readdir(s.dataDir);
    const disk = (await Promise.all(files.filter((f) => f.startsWith("clawdspace.db")).map((f) => readFile(join(s.dataDir, f))))).map((b) => b.toString("latin1")).join("");
    expect(disk.length).toBeGreaterThan(0);
    const metrics = await (await s.fetch("/metrics")).text();
    expect(logText.length).toBeGreaterThan(0);
    for (const [kind, secret] of Object.entries(SECRETS)) {
      expect(answers.includes(secret), `${kind} in API answers`).toBe(false);
      expect(disk.includes(secret), `${kind} in the audit store`).toBe(false);
      expect(logText.includes(secret), `${kind} in the server log`).toBe(false);
      expect(metrics.includes(secret), `${kind} in /metrics`).toBe(false);
    }
    expect(disk.includes("my token is")).toBe(false);
  });

  it("pages with a cursor, exports JSON lines, and applies retention", async () => {
    const all = (await s.client.audit({ space: name, limit: 10_000 })).events;
    const page1 = await s.client.audit({ space: name, limit: 4 });
    expect(page1.events.map((e) => e.id)).toEqual(all.slice(-4).map((e) => e.id));
    const page2 = await s.client.audit({ space: name, limit: 4, before: page1.nextBefore! });
    expect(page2.events.map((e) => e.id)).toEqual(all.slice(-8, -4).map((e) => e.id));
    expect((await s.client.audit({ space: name, type: "space.exec" })).events).toHaveLength(3);

    const exported = await collect(s.client.auditExport({ space: name }));
    expect(exported.map((e) => e.id)).toEqual(all.map((e) => e.id));

    const total = s.deps.audit.count();
    const removed = s.deps.audit.prune({ maxAgeMs: 0, maxEvents: 5 });
    expect(removed).toBe(total - 5);
    expect((await s.client.audit({ limit: 100 })).events.map((e) => e.id)).toEqual(all.slice(-5).map((e) => e.id));
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
