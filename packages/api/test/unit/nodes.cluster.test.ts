import { randomBytes } from "node:crypto";
import http from "node:http";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { TermClient } from "../support/termClient.js";
import { KEY } from "./helpers.js";
import { SECRET, blackHole, startCluster, stopCluster, type TestNode } from "./nodes/harness.js";

let running: TestNode[] = [];
afterEach(async () => {
  await stopCluster(running);
  running = [];
});

async function three(opts: Parameters<typeof startCluster>[1] = {}): Promise<TestNode[]> {
  running = await startCluster(["a", "b", "c"], opts);
  return running;
}

const binary = (res: request.Response, cb: (err: Error | null, body: unknown) => void) => {
  const chunks: Buffer[] = [];
  (res as unknown as NodeJS.ReadableStream).on("data", (c: Buffer) => chunks.push(c));
  (res as unknown as NodeJS.ReadableStream).on("end", () => cb(null, Buffer.concat(chunks)));
};

describe("nodes: membership and the merged list", () => {
  it("lists every node online with its latency, capacity and spaces", async () => {
    const [a] = await three();
    await a!.api("post", "/api/spaces").send({ name: "one", node: "b" }).expect(201);
    const { body } = await a!.api("get", "/api/nodes").expect(200);
    expect(body.nodes.map((n: { name: string }) => n.name)).toEqual(["a", "b", "c"]);
    for (const n of body.nodes) expect(n).toMatchObject({ status: "online", capabilities: { cpus: 4 } });
    expect(body.nodes[0].self).toBe(true);
    expect(typeof body.nodes[1].latencyMs).toBe("number");
    expect(body.nodes[1].since).toMatch(/^\d{4}-/);
  });

  it("merges every node's spaces, each with its node, from any node", async () => {
    const [a, b, c] = await three();
    await a!.api("post", "/api/spaces").send({ name: "on-a", node: "a" }).expect(201);
    await b!.api("post", "/api/spaces").send({ name: "on-c", node: "c" }).expect(201);
    for (const n of [a!, b!, c!]) {
      const { body } = await n.api("get", "/api/spaces").expect(200);
      expect(body.spaces.map((s: { name: string; node: string }) => `${s.name}@${s.node}`)).toEqual(["on-a@a", "on-c@c"]);
    }
    // The space really lives on c's engine alone.
    expect(c!.t.fake.containers.size).toBe(1);
    expect(a!.t.fake.containers.size).toBe(1);
    expect(b!.t.fake.containers.size).toBe(0);
  });
});

describe("nodes: placement and names", () => {
  it("pins with node, otherwise places on the node with the most headroom", async () => {
    const [a, b, c] = await three();
    await b!.api("post", "/api/spaces").send({ name: "big", node: "b", memory: "8g" }).expect(201);
    await b!.api("post", "/api/spaces").send({ name: "small", node: "c", memory: "1g" }).expect(201);
    const check = () => Promise.all([a!, b!, c!].map((n) => n.parts.membership.check()));
    await check();
    const first = await b!.api("post", "/api/spaces").send({ name: "p1", memory: "1g" }).expect(201);
    expect(first.body.space.node).toBe("a");
    await b!.api("post", "/api/spaces").send({ name: "p2", node: "a", memory: "4g" }).expect(201);
    await check();
    const next = await b!.api("post", "/api/spaces").send({ name: "p3", memory: "1g" }).expect(201);
    expect(next.body.space.node).toBe("c");
    expect(c!.t.fake.containers.size).toBe(2);
    // A space larger than any node is refused where it is asked, not on a node that cannot hold it.
    const huge = await b!.api("post", "/api/spaces").send({ name: "huge", memory: "64g" }).expect(400);
    expect(huge.body.error).toContain("no reachable node");
  });

  it("refuses a name held on any node with a 409 naming it, and a pin to an unknown node with a 400", async () => {
    const [a, b] = await three();
    await a!.api("post", "/api/spaces").send({ name: "dup", node: "c" }).expect(201);
    const again = await b!.api("post", "/api/spaces").send({ name: "dup", node: "b" }).expect(409);
    expect(again.body).toMatchObject({ code: "SPACE_EXISTS", details: { node: "c" } });
    const bad = await a!.api("post", "/api/spaces").send({ name: "x", node: "nowhere" }).expect(400);
    expect(bad.body.error).toContain("no node named nowhere");
  });
});

describe("nodes: every space route reaches the owner", () => {
  it("exec (JSON and NDJSON) through a node that does not own the space; the owner writes the audit event", async () => {
    const [a, b] = await three();
    await a!.api("post", "/api/spaces").send({ name: "box", node: "b" }).expect(201);
    b!.t.fake.execHandler = () => ({ stdout: "from b\n", exitCode: 3 });
    const res = await a!.api("post", "/api/spaces/box/exec").send({ command: "x" }).expect(200);
    expect(res.body).toMatchObject({ stdout: "from b\n", exitCode: 3 });
    const nd = await a!.api("post", "/api/spaces/box/exec").set("Accept", "application/x-ndjson").send({ command: "x" }).expect(200);
    const lines = nd.text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ stream: "stdout", data: "from b\n" });
    expect(lines.at(-1)).toMatchObject({ exitCode: 3 });
    expect(b!.t.deps.audit.query({ type: "space.exec", limit: 10 }).map((e) => e.actor)).toEqual(["default", "default"]);
    expect(a!.t.deps.audit.query({ type: "space.exec", limit: 10 })).toHaveLength(0);
  });

  it("streams a file both ways through a non-owner, byte for byte", async () => {
    const [a, , c] = await three();
    await a!.api("post", "/api/spaces").send({ name: "files", node: "c" }).expect(201);
    const data = randomBytes(3 * 1024 * 1024);
    await a!.api("put", "/api/spaces/files/file?path=/big.bin").set("Content-Type", "application/octet-stream").send(data).expect(200);
    const back = await a!.api("get", "/api/spaces/files/file?path=/big.bin&raw=1").buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(back.body as Buffer, data)).toBe(0);
    expect(c!.t.deps.audit.query({ type: "space.file.write", limit: 10 })).toHaveLength(1);
  });

  it("opens a terminal through a non-owner, with a key or with a ticket the owner issued", async () => {
    const [a, b] = await three();
    await a!.api("post", "/api/spaces").send({ name: "tty", node: "b" }).expect(201);
    const ws = (p: string) => `${a!.url.replace(/^http/, "ws")}${p}`;
    const t = await TermClient.open(ws("/api/spaces/tty/terminal"), { authorization: `Bearer ${KEY}` });
    t.ws.send(Buffer.from("hello\r"));
    await t.until(() => t.text().includes("hello"), 10_000, "echo");
    await t.close();
    expect(b!.t.fake.ttys).toHaveLength(1);
    const ticket = (await a!.api("post", "/api/spaces/tty/terminal/ticket").expect(201)).body;
    const viaTicket = await TermClient.open(ws(ticket.path));
    expect(viaTicket.session()).toMatchObject({ created: true });
    await viaTicket.close();
    await expect(TermClient.open(ws(ticket.path))).rejects.toMatchObject({ status: 401 });
    await expect(TermClient.open(ws("/api/spaces/tty/terminal"))).rejects.toMatchObject({ status: 401 });
  });

  it("merges events and audit of every node, each labelled with its node", async () => {
    const [a, b] = await three();
    const seen: string[] = [];
    let hangUp = () => undefined as void;
    const events = new Promise<void>((resolve, reject) => {
      const req = http.get(`${a!.url}/api/events`, { headers: { authorization: `Bearer ${KEY}` } }, (res) => {
        res.on("data", (c: Buffer) => {
          seen.push(c.toString());
          if (seen.join("").includes('"node":"c"')) resolve();
        });
        res.on("error", () => undefined);
      });
      req.on("error", reject);
      hangUp = () => void req.destroy();
    });
    await new Promise((r) => setTimeout(r, 300));
    await b!.api("post", "/api/spaces").send({ name: "ev", node: "c" }).expect(201);
    await events;
    hangUp();
    expect(seen.join("")).toMatch(/"space":"ev".*"node":"c"/);
    const audit = await a!.api("get", "/api/audit?type=space.create").expect(200);
    expect(audit.body.events.map((e: { space: string; node: string }) => `${e.space}@${e.node}`)).toEqual(["ev@c"]);
    const onlyA = await a!.api("get", "/api/audit?type=space.create&node=a").expect(200);
    expect(onlyA.body.events).toEqual([]);
  });
});

describe("nodes: trust between nodes", () => {
  it("refuses a wrong cluster secret, and a right one without a named actor on REST", async () => {
    const [a] = await three();
    await request(a!.url).get("/api/spaces").set("x-clawdspace-cluster", "wrong-secret-0123456789abcdef0123").expect(401);
    await request(a!.url).get("/api/spaces").set("x-clawdspace-cluster", SECRET).expect(401);
    await request(a!.url).get("/api/spaces").set("x-clawdspace-cluster", SECRET).set("x-clawdspace-actor", "someone").expect(200);
    expect(a!.logs.join("")).toContain("wrong cluster secret refused");
  });

  it("a node with another secret is offline for the others, and the user's key never leaves the entry node", async () => {
    running = await startCluster(["a", "b", "c"], { secrets: { c: "another-secret-0123456789abcdef-012345" } });
    const [a, b, c] = running;
    const { body } = await a!.api("get", "/api/nodes").expect(200);
    expect(body.nodes.find((n: { name: string }) => n.name === "c")).toMatchObject({ status: "offline", error: expect.stringContaining("401") });
    await a!.api("post", "/api/spaces").send({ name: "k", node: "b" }).expect(201);
    await request(a!.url).post(`/api/spaces/k/exec?key=${KEY}`).send({ command: "x" }).expect(200);
    expect(b!.logs.join("")).toContain("/api/spaces/k/exec");
    for (const other of [b!, c!]) expect(other.logs.join("")).not.toContain(KEY);
  });
});

describe("nodes: a node that goes away", () => {
  it("serves its spaces from its last list as unreachable, places elsewhere, and keeps the name taken", async () => {
    const [a, b, c] = await three();
    await b!.api("post", "/api/spaces").send({ name: "gone", node: "c" }).expect(201);
    // a never listed; its health round alone learned c's spaces.
    await a!.parts.membership.check();
    await c!.stop();
    const { body } = await a!.api("get", "/api/spaces").expect(200);
    expect(body.spaces).toEqual([expect.objectContaining({ name: "gone", node: "c", state: "unreachable" })]);
    const nodes = (await a!.api("get", "/api/nodes").expect(200)).body.nodes;
    expect(nodes.find((n: { name: string }) => n.name === "c")).toMatchObject({ status: "offline", since: expect.stringMatching(/^\d{4}-/) });
    const dup = await a!.api("post", "/api/spaces").send({ name: "gone" }).expect(409);
    expect(dup.body.error).toContain("unreachable");
    const placed = await a!.api("post", "/api/spaces").send({ name: "new" }).expect(201);
    expect(placed.body.space.node).not.toBe("c");
    const route = await a!.api("post", "/api/spaces/gone/exec").send({ command: "x" }).expect(503);
    expect(route.body).toMatchObject({ code: "NODE_UNREACHABLE", details: { node: "c" } });
    await a!.api("post", "/api/spaces").send({ name: "pinned", node: "c" }).expect(503);
  });

  it("a node that accepts connections and never answers costs a list no more than the deadline", async () => {
    const hole = await blackHole();
    try {
      running = await startCluster(["a", "b"], { deadlineMs: 300, extraPeers: [{ name: "hole", url: hole.url }] });
      const [a] = running;
      const nodes = (await a!.api("get", "/api/nodes").expect(200)).body.nodes;
      expect(nodes.find((n: { name: string }) => n.name === "hole")).toMatchObject({ status: "offline", error: expect.stringContaining("300 ms") });
      await a!.api("get", "/api/spaces").expect(200);
    } finally {
      await hole.close();
    }
  });
});
