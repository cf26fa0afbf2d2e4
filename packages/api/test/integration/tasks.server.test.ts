import { createHmac } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawdspaceClient } from "@clawdspace/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServer, type ServerProcess } from "../support/serverProcess.js";
import { engineAvailable, runId, spaceName } from "./support.js";
import { waitEnded } from "./taskHelpers.js";

const rssKiB = async (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, "utf8"))![1]);

describe.skipIf(!engineAvailable)("tasks and the server process: kill -9, downtime, memory, webhook", () => {
  let dataDir = "";
  let secretFile = "";
  const secret = `whsec_${runId}_0123456789abcdef`;
  const received: Array<{ headers: Record<string, string | string[] | undefined>; body: string }> = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.statusCode = 204;
      res.end();
    });
  });
  let server: ServerProcess;
  let client: ClawdspaceClient;
  const name = spaceName("tsrv");

  let key: string | undefined;
  const start = async () => {
    const port = (receiver.address() as AddressInfo).port;
    server = await spawnServer(runId, {
      ...(key ? { API_KEY: key } : {}),
      CLAWDSPACE_DATA_DIR: dataDir,
      TASK_POLL_MS: "500",
      CLAWDSPACE_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      CLAWDSPACE_WEBHOOK_SECRET_FILE: secretFile,
    });
    // spawnServer makes a key of its own unless API_KEY is given: keep the first across restarts.
    key ??= server.key;
    client = new ClawdspaceClient({ baseUrl: server.url, key });
  };
  const kill9 = async () => {
    const exited = new Promise((r) => server.child.once("exit", r));
    server.child.kill("SIGKILL");
    await exited;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cs-tasks-"));
    secretFile = join(dataDir, "webhook-secret");
    await writeFile(secretFile, secret, { mode: 0o600 });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    await start();
    await client.createSpace({ name, memory: "256m" });
  });

  afterAll(async () => {
    await client?.deleteSpace(name, { removeVolume: true }).catch(() => undefined);
    await server?.stop();
    receiver.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("a task keeps running through kill -9 of the server, and the next server knows its exit code", async () => {
    const task = await client.tasks.start(name, { command: "for i in $(seq 1 6); do echo $i; sleep 1; done; exit 5" });
    await kill9();
    await start();
    expect((await client.tasks.get(name, task.id)).state).toBe("running");
    const ended = await waitEnded(client, name, task.id);
    expect(ended).toMatchObject({ state: "failed", exitCode: 5 });
    expect((await client.tasks.logs(name, task.id)).lines.map((l) => l.data).join("")).toBe("1\n2\n3\n4\n5\n6\n");
  });

  it("a task that ends while the server is down shows its real outcome afterwards", async () => {
    const task = await client.tasks.start(name, { command: "sleep 1; exit 7" });
    await kill9();
    await new Promise((r) => setTimeout(r, 3000));
    await start();
    expect(await waitEnded(client, name, task.id, 20_000)).toMatchObject({ state: "failed", exitCode: 7 });
  });

  it("a task printing 200 MB leaves the server's memory where it was", async () => {
    // Warm first: a server just restarted grows a few MiB on its first log reads whatever their size.
    const warm = await client.tasks.start(name, { command: "head -c 2000000 /dev/zero | tr '\\0' x" });
    await waitEnded(client, name, warm.id, 60_000);
    await client.tasks.logs(name, warm.id, { offset: 1_000_000 });
    const before = await rssKiB(server.child.pid!);
    const task = await client.tasks.start(name, { command: "head -c 200000000 /dev/zero | tr '\\0' x" });
    const ended = await waitEnded(client, name, task.id, 120_000);
    expect(ended.state).toBe("succeeded");
    expect(ended.stdoutBytes).toBe(200_000_000);
    const page = await client.tasks.logs(name, task.id, { offset: 199_000_000 });
    expect(page.lines.map((l) => l.data).join("").length).toBeGreaterThan(0);
    const after = await rssKiB(server.child.pid!);
    expect(after - before, `RSS grew from ${before} KiB to ${after} KiB`).toBeLessThan(32 * 1024); // a 200 MB output held anywhere would be 200 MB
  });

  it("posts each finished task to the webhook receiver on loopback, signed with the secret", async () => {
    const task = await client.tasks.start(name, { command: "exit 0", name: "hooked" });
    await waitEnded(client, name, task.id);
    const deadline = Date.now() + 15_000;
    let hit: (typeof received)[number] | undefined;
    while (!hit && Date.now() < deadline) {
      hit = received.find((r) => r.body.includes(task.id));
      if (!hit) await new Promise((r) => setTimeout(r, 200));
    }
    expect(hit, "the receiver got the task").toBeDefined();
    const ts = String(hit!.headers["x-clawdspace-timestamp"]);
    expect(hit!.headers["x-clawdspace-signature"]).toBe(`sha256=${createHmac("sha256", secret).update(`${ts}.${hit!.body}`).digest("hex")}`);
    expect(JSON.parse(hit!.body)).toMatchObject({ event: "task.end", task: { id: task.id, name: "hooked", state: "succeeded", exitCode: 0 } });
  });
});
