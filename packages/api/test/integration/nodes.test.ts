import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TermClient } from "../support/termClient.js";
import { startNodeLab, type EngineNode, type NodeLab } from "./nodeEngines.js";
import { engineAvailable, runId } from "./support.js";
import { inject } from "vitest";

/**
 * Three servers, three Docker engines, one machine: each engine and server in a network namespace of its
 * own, reached only at the addresses this test gives them. Everything below goes through a node that does
 * not own the space.
 */
describe.skipIf(!engineAvailable)("several nodes as one Clawdspace (three real engines)", () => {
  let lab: NodeLab;
  let a: EngineNode, b: EngineNode, c: EngineNode;
  const timings: Record<string, number> = {};

  const call = (node: EngineNode, path: string, init: RequestInit = {}) =>
    fetch(`${node.url}${path}`, { ...init, headers: { authorization: `Bearer ${lab.key}`, "content-type": "application/json", ...(init.headers ?? {}) } });
  const json = async (node: EngineNode, path: string, init?: RequestInit) => {
    const res = await call(node, path, init);
    return { status: res.status, body: (await res.json()) as any };
  };
  const create = (node: EngineNode, body: Record<string, unknown>) => json(node, "/api/spaces", { method: "POST", body: JSON.stringify(body) });
  const exec = (node: EngineNode, space: string, command: string) => json(node, `/api/spaces/${space}/exec`, { method: "POST", body: JSON.stringify({ command }) });
  const until = async (what: string, pred: () => Promise<boolean>, ms = 30_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await pred().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const allOnline = (node: EngineNode) => async () => (await json(node, "/api/nodes")).body.nodes.every((n: { status: string }) => n.status === "online");

  beforeAll(async () => {
    const started = Date.now();
    lab = await startNodeLab(runId, ["a", "b", "c"], inject("image"));
    [a, b, c] = lab.nodes as [EngineNode, EngineNode, EngineNode];
    timings.setupMs = Date.now() - started;
    await until("every node online everywhere", async () => (await Promise.all(lab.nodes.map((n) => allOnline(n)()))).every(Boolean));
  }, 900_000);

  afterAll(async () => {
    console.log(`[nodes] ${JSON.stringify(timings)}`);
    await lab?.close();
  }, 300_000);

  it("lists three nodes online from any node", async () => {
    for (const n of lab.nodes) {
      const { body } = await json(n, "/api/nodes");
      expect(body.nodes.map((x: { name: string; status: string }) => `${x.name}:${x.status}`).sort()).toEqual(["a:online", "b:online", "c:online"]);
      expect(body.nodes[0]).toMatchObject({ name: n.name, self: true });
    }
  });

  it("creates land by pin and by headroom; names are the cluster's", async () => {
    expect((await create(a, { name: "pa", node: "a", memory: "4g" })).body.space.node).toBe("a");
    expect((await create(a, { name: "pb", node: "b", memory: "1g" })).body.space.node).toBe("b");
    await until("the allocations reach every node's view", async () => (await json(b, "/api/nodes")).body.nodes.filter((n: { spaces: number }) => n.spaces === 1).length === 2);
    const placed = await create(b, { name: "pc" });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.space.node).toBe("c");
    const dup = await create(c, { name: "pa" });
    expect(dup.status).toBe(409);
    expect(dup.body.details).toMatchObject({ node: "a" });
    const list = (await json(c, "/api/spaces")).body.spaces.map((s: { name: string; node: string }) => `${s.name}@${s.node}`);
    expect(list).toEqual(["pa@a", "pb@b", "pc@c"]);
  });

  it("exec, JSON and streamed, through a node that does not own the space", async () => {
    const r = await exec(a, "pc", "echo from-$(hostname) > /workspace/mark; cat /workspace/mark");
    expect(r.body).toMatchObject({ stdout: "from-pc\n", exitCode: 0 });
    const nd = await call(b, "/api/spaces/pc/exec", { method: "POST", headers: { accept: "application/x-ndjson" }, body: JSON.stringify({ command: "for i in 1 2 3; do echo $i; sleep 0.2; done" }) });
    const lines = (await nd.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.stream === "stdout").map((l) => l.data).join("")).toBe("1\n2\n3\n");
    expect(lines.at(-1)).toMatchObject({ exitCode: 0 });
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await exec(c, "pc", "true");
    const direct = (performance.now() - t0) / 5;
    const t1 = performance.now();
    for (let i = 0; i < 5; i++) await exec(a, "pc", "true");
    timings.execDirectMs = Math.round(direct);
    timings.execViaPeerMs = Math.round((performance.now() - t1) / 5);
  });

  it("a 100 MB file goes up and comes back through a non-owner, byte for byte", async () => {
    const size = 100 * 1024 * 1024;
    const chunk = randomBytes(1024 * 1024);
    const sent = createHash("sha256");
    async function* body() {
      for (let i = 0; i < size / chunk.length; i++) {
        sent.update(chunk);
        yield chunk;
      }
    }
    // A raw upload states its length (the server tells a cut-off upload from a whole one by it); streamed, never held.
    const put = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${a.url}/api/spaces/pb/file?path=/big.bin`, { method: "PUT", headers: { authorization: `Bearer ${lab.key}`, "content-type": "application/octet-stream", "content-length": size } }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      Readable.from(body()).pipe(req);
    });
    expect(put.status, put.body).toBe(200);
    const got = await call(c, "/api/spaces/pb/file?path=/big.bin&raw=1");
    const back = createHash("sha256");
    let n = 0;
    for await (const part of got.body as unknown as AsyncIterable<Uint8Array>) {
      back.update(part);
      n += part.length;
    }
    expect(n).toBe(size);
    expect(back.digest("hex")).toBe(sent.digest("hex"));
  }, 300_000);

  it("a terminal session and the event stream through a non-owner", async () => {
    const seen: string[] = [];
    const ctl = new AbortController();
    const events = fetch(`${a.url}/api/events`, { headers: { authorization: `Bearer ${lab.key}` }, signal: ctl.signal }).then(async (res) => {
      for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) seen.push(Buffer.from(part).toString());
    }).catch(() => undefined);
    const term = await TermClient.open(`${a.url.replace("http", "ws")}/api/spaces/pb/terminal`, { authorization: `Bearer ${lab.key}` });
    term.ws.send(Buffer.from("echo term-$((40+2))\r"));
    await term.until(() => term.text().includes("term-42"), 30_000, "terminal output");
    await term.close();
    await new Promise((r) => setTimeout(r, 500));
    expect((await json(b, "/api/spaces/pc/stop", { method: "POST" })).status).toBe(200);
    await until("the pause on c in a's stream", async () => /"space":"pc","state":"paused".*"node":"c"/.test(seen.join("")), 15_000);
    ctl.abort();
    await events;
    expect((await json(a, "/api/spaces/pc/start", { method: "POST" })).status).toBe(200);
  });

  it("refuses a wrong cluster secret, and the user's key is never seen by the other nodes", async () => {
    const wrong = await fetch(`${b.url}/api/spaces`, { headers: { "x-clawdspace-cluster": "f".repeat(64), "x-clawdspace-actor": "me" } });
    expect(wrong.status).toBe(401);
    // The log is written asynchronously: give it a moment to land.
    await until("the refusal in b's log", async () => b.output().includes("wrong cluster secret refused"), 5_000);
    // Everything above entered at a or b and was relayed; the key was only ever sent to the entry nodes.
    await fetch(`${a.url}/api/spaces/pc/exec?key=${lab.key}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ command: "true" }) });
    expect(c.output()).toContain("/api/spaces/pc/exec");
    for (const n of lab.nodes) expect(n.output(), n.name).not.toContain(lab.key);
  });

  it("a node cut off: the list answers within the deadline with its spaces unreachable, creates go elsewhere; back: nothing lost", async () => {
    lab.cut(c);
    const t0 = performance.now();
    const list = await json(a, "/api/spaces");
    timings.listWithCutNodeMs = Math.round(performance.now() - t0);
    expect(list.body.spaces.find((s: { name: string }) => s.name === "pc")).toMatchObject({ node: "c", state: "unreachable" });
    const t1 = performance.now();
    await json(a, "/api/spaces");
    timings.listAfterCutKnownMs = Math.round(performance.now() - t1);
    expect(timings.listWithCutNodeMs).toBeLessThan(1500 + 1000);
    const placed = await create(a, { name: "while-down" });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    expect(placed.body.space.node).not.toBe("c");
    // b learns of the cut at its own next health check.
    await until("b sees c offline", async () => (await json(b, "/api/nodes")).body.nodes.find((n: { name: string }) => n.name === "c").status === "offline", 10_000);
    expect((await create(b, { name: "pc" })).body.error).toContain("unreachable");
    expect((await exec(b, "pc", "true")).status).toBe(503);
    lab.mend(c);
    // Each node sees it back at its next health check (NODES_HEALTH_MS); until then its spaces answer 503 there.
    await until("c online again everywhere", async () => (await Promise.all(lab.nodes.map((n) => allOnline(n)()))).every(Boolean));
    await until("c's spaces back", async () => (await json(a, "/api/spaces")).body.spaces.find((s: { name: string }) => s.name === "pc")?.state === "running");
    const back = await exec(b, "pc", "cat /workspace/mark");
    expect(back.body.stdout, JSON.stringify(back.body)).toBe("from-pc\n");
  });
});
