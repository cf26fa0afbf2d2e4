import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { run as create } from "../../src/commands/create.js";
import { run as list } from "../../src/commands/list.js";
import { run as nodes } from "../../src/commands/nodes.js";
import { captureContext } from "./agentFake.js";

const space = (name: string, node: string) => ({
  name, id: "abc", status: "running", state: node === "c" ? "unreachable" : "running", created: "2026-01-01T00:00:00Z", started: null, image: "i", memory: 2 * 1024 ** 3, cpus: 1,
  lastActivity: null, volume: { name: "v", mountpoint: "/workspace" }, template: null, gpu: false, network: "none", runtime: "runc", node,
  activity: { lastAt: null, lastSource: null }, sleepsAt: null, sleepBlockedBy: [],
});
const caps = { gpu: false, gpuName: null, gpuMemory: null, arch: "x64", platform: "linux", cpus: 4, memory: 16 * 1024 ** 3 };

let server: Server;
const posted: unknown[] = [];
afterEach(() => new Promise<void>((r) => server.close(() => r())));

async function fakeCluster(): Promise<string> {
  server = createServer((req, res) => {
    const json = (status: number, v: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(v));
    if (req.url === "/api/nodes")
      return json(200, {
        lastUpdatedAt: "2026-01-01T00:00:00Z",
        nodes: [
          { name: "a", url: "http://a", status: "online", latencyMs: 1, capabilities: caps, self: true, spaces: 1 },
          { name: "c", url: "http://c", status: "offline", latencyMs: null, since: new Date(Date.now() - 120_000).toISOString(), error: "connect ECONNREFUSED", spaces: 2 },
        ],
      });
    if (req.url === "/api/spaces" && req.method === "GET") return json(200, { spaces: [space("one", "a"), space("two", "c")] });
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => (posted.push(JSON.parse(body)), json(201, { space: space("pinned", "b") })));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe("nodes in the CLI", () => {
  it("nodes shows each node's health, since when it is offline, its spaces, and why", async () => {
    const c = captureContext(await fakeCluster());
    await nodes(c.ctx);
    const [head, a, down] = c.out().trim().split("\n");
    expect(head).toMatch(/NAME\s+STATUS\s+LATENCY\s+CAPACITY\s+SPACES\s+URL/);
    expect(a).toMatch(/^a \*\s+online\s+1 ms\s+4 cpus, 16 GiB\s+1\s+http:\/\/a/);
    expect(down).toMatch(/^c\s+offline since 2m ago\s+-\s+-\s+2\s+http:\/\/c/);
    expect(c.err()).toBe("c: connect ECONNREFUSED\n");
  });

  it("list names each space's node once spaces live on several; create --node pins", async () => {
    const c = captureContext(await fakeCluster());
    await list(c.ctx, [], {});
    const [head, one, two] = c.out().trim().split("\n");
    expect(head).toMatch(/^NAME\s+NODE\s+STATE/);
    expect(one).toMatch(/^one\s+a\s+running/);
    expect(two).toMatch(/^two\s+c\s+unreachable/);
    await create(c.ctx, ["pinned"], { node: "b" });
    expect(posted.at(-1)).toEqual({ name: "pinned", node: "b" });
    expect(c.out()).toContain("on node b");
  });
});
