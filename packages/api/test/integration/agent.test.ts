import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawdspaceClient, type AgentEvent } from "@clawdspace/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServer, type ServerProcess } from "../support/serverProcess.js";
import { TermClient } from "../support/termClient.js";
import { followRun, startStub, STUB_PORT, stubRequests } from "./agentHelpers.js";
import { engineAvailable, runId, spaceName } from "./support.js";
import { processes } from "./taskHelpers.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.skipIf(!engineAvailable)("Claude Code in a space: runs, transcripts, credentials, sessions", () => {
  // Made up per run, so finding them anywhere means something.
  const operatorKey = `sk-ant-api03-${runId}-${randomBytes(12).toString("hex")}`;
  const spaceKey = `sk-ant-api03-own-${randomBytes(12).toString("hex")}`;
  const envKey = `sk-ant-api03-env-${randomBytes(12).toString("hex")}`;
  let dataDir = "";
  let server: ServerProcess;
  let client: ClawdspaceClient;
  const main = spaceName("agent");
  const own = spaceName("agown");
  const plain = spaceName("agplain");
  const answers: string[] = [];
  const recorded: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    answers.push(await res.clone().text().catch(() => ""));
    return res;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "cs-agent-"));
    const credFile = join(dataDir, "agent.env");
    await writeFile(credFile, `# test credentials\nANTHROPIC_API_KEY=${operatorKey}\nANTHROPIC_BASE_URL=http://127.0.0.1:${STUB_PORT}\n`, { mode: 0o600 });
    server = await spawnServer(runId, { CLAWDSPACE_DATA_DIR: join(dataDir, "data"), AGENT_CREDENTIALS_FILE: credFile, TASK_POLL_MS: "500" });
    client = new ClawdspaceClient({ baseUrl: server.url, key: server.key, fetch: recorded });
    await Promise.all([
      client.createSpace({ name: main, template: "agent" }),
      client.createSpace({ name: own, template: "agent", agent: { apiKey: spaceKey } }),
      client.createSpace({ name: plain, memory: "128m" }),
    ]);
    await Promise.all([startStub(client, main), startStub(client, own)]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([main, own, plain].map((n) => client?.deleteSpace(n, { removeVolume: true }).catch(() => undefined)));
    await server?.stop();
  });

  let firstSession = "";
  it("runs the agent: the tool call writes a file, the transcript shows call, result and answer, the run records its session", async () => {
    const posted = Date.now();
    const run = await client.agent.run(main, { prompt: "please [[bash: echo agent-was-here > /workspace/proof.txt]]" });
    expect(run.state).toBe("running");
    const { events, run: ended } = await followRun(client, main, run.id);
    const reqs = await stubRequests(client, main);
    console.log(`[agent] POST to the agent's first request at the stub: ${reqs[0]!.at - posted} ms`);
    expect((await client.exec(main, { command: "cat /workspace/proof.txt" })).stdout).toBe("agent-was-here\n");
    const call = events.find((e): e is Extract<AgentEvent, { type: "tool_call" }> => e.type === "tool_call");
    expect(call?.name).toBe("Bash");
    expect(JSON.stringify(call?.input)).toContain("proof.txt");
    expect(events.some((e) => e.type === "tool_result" && e.toolUseId === call!.id)).toBe(true);
    expect(events.some((e) => e.type === "text" && e.text.startsWith("STUB-DONE"))).toBe(true);
    expect(events.find((e) => e.type === "result")).toMatchObject({ isError: false, subtype: "success" });
    expect(ended).toMatchObject({ state: "succeeded", isError: false, numTurns: 2, exitCode: 0 });
    expect(ended.sessionId).toMatch(UUID);
    expect(ended.result).toMatch(/^STUB-DONE/);
    expect(ended.costUsd).toBeGreaterThan(0);
    expect(ended.usage?.inputTokens).toBeGreaterThan(0);
    // The operator's key reached the agent (the stub saw its hash), and a page read agrees with the follow.
    expect(reqs.every((r) => r.keySha256 === sha(operatorKey))).toBe(true);
    const page = await client.agent.get(main, run.id);
    expect(page.complete).toBe(true);
    expect(page.events.map((e) => e.type)).toEqual(events.map((e) => e.type));
    // Resuming from an event's offset gives what followed it, no repeat.
    const cut = events.findIndex((e) => e.type === "tool_result");
    const rest = await client.agent.get(main, run.id, { offset: events[cut]!.offset });
    expect(rest.events.map((e) => e.type)).toEqual(events.slice(cut + 1).map((e) => e.type));
    firstSession = ended.sessionId!;
  }, 180_000);

  it("resume continues the same conversation: the stub is sent the earlier messages", async () => {
    const run = await client.agent.run(main, { prompt: "what did you write?", resume: "last" });
    const { run: ended } = await followRun(client, main, run.id);
    expect(ended.state).toBe("succeeded");
    expect(ended.sessionId).toBe(firstSession);
    const last = (await stubRequests(client, main)).at(-1)!;
    expect(last.messages.map((m) => m.text).join("\n")).toContain("agent-was-here > /workspace/proof.txt");
    expect(last.messages.at(-1)?.text ?? "").not.toContain("[[bash:");
    const runs = await client.agent.list(main);
    expect(runs.map((r) => r.id).slice(0, 2)).toEqual([run.id, expect.any(String)]);
  }, 180_000);

  it("a space's own key wins over the operator's and reaches only the agent", async () => {
    const { run } = { run: await client.agent.run(own, { prompt: "hello" }) };
    const { run: ended } = await followRun(client, own, run.id);
    expect(ended.state).toBe("succeeded");
    expect(ended.result).toMatch(/^STUB-REPLY: hello/);
    expect((await stubRequests(client, own)).every((r) => r.keySha256 === sha(spaceKey))).toBe(true);
    // Not in the container's environment: a shell or exec in the space does not see it.
    const env = await client.exec(own, { command: "env" });
    expect(env.stdout).not.toContain(spaceKey);
    expect(env.stdout).not.toContain(operatorKey);
  }, 180_000);

  it("cancel stops the agent and the processes its tool started", async () => {
    // Claude Code refuses a bare `sleep N` as a tool call: a node timer is the long-running tool here.
    const run = await client.agent.run(main, { prompt: "[[bash: node -e 'setTimeout(() => {}, 321000)']]" });
    const tool = (ps: string[]) => ps.filter((p) => /^\s*\d+\s+\d+\s+node -e setTimeout/.test(p));
    const until = Date.now() + 60_000;
    while (tool(await processes(client, main)).length === 0) {
      if (Date.now() > until) throw new Error(`the agent's tool never started: ${(await processes(client, main)).join("\n")}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const cancelled = await client.agent.cancel(main, run.id);
    expect(cancelled.state).toBe("cancelled");
    const left = await processes(client, main);
    expect(tool(left)).toEqual([]);
    expect(left.filter((p) => /claude/.test(p))).toEqual([]);
  }, 120_000);

  it("five runs in five spaces at once all finish", async () => {
    const names = [main, own];
    const extra = [spaceName("ag3"), spaceName("ag4"), spaceName("ag5")];
    // One of them gets its key as create env: it becomes the space's own credential, not container env.
    await Promise.all(extra.map((n, i) => client.createSpace({ name: n, template: "agent", ...(i === 0 ? { env: { ANTHROPIC_API_KEY: envKey, OTHER: "1" } } : {}) }).then(() => startStub(client, n))));
    try {
      const all = [...names, ...extra];
      const runs = await Promise.all(all.map((n) => client.agent.run(n, { prompt: `[[slow: 20]] from ${n}` })));
      const ended = await Promise.all(runs.map((r, i) => followRun(client, all[i]!, r.id)));
      for (const e of ended) {
        expect(e.run.state).toBe("succeeded");
        expect(e.run.result).toContain("STUB-SLOW-DONE");
      }
      expect((await stubRequests(client, extra[0]!)).every((r) => r.keySha256 === sha(envKey))).toBe(true);
      const env = (await client.exec(extra[0]!, { command: "env" })).stdout;
      expect(env).toContain("OTHER=1");
      expect(env).not.toContain(envKey);
    } finally {
      await Promise.all(extra.map((n) => client.deleteSpace(n, { removeVolume: true }).catch(() => undefined)));
    }
  }, 300_000);

  it("an interactive Claude session shows the stub's reply and a reconnect replays it exactly", async () => {
    const url = client.terminalUrl(main, { kind: "claude" });
    const a = await TermClient.open(url, { Authorization: `Bearer ${server.key}` });
    await a.waitText(/bypass permissions/i, 60_000);
    a.type("hello interactive");
    await new Promise((r) => setTimeout(r, 500));
    a.type("\r");
    await a.waitText(/STUB-REPLY/, 60_000);
    const id = a.session()!.id;
    const seen = a.bytes();
    const info = (await client.terminals(main)).find((t) => t.id === id);
    expect(info?.kind).toBe("claude");
    await a.close();
    const b = await TermClient.open(client.terminalUrl(main, { session: id, since: 0 }), { Authorization: `Bearer ${server.key}` });
    await b.until(() => b.bytes().length >= seen.length, 20_000, "replay");
    expect(b.bytes().subarray(0, seen.length).equals(seen)).toBe(true);
    await b.close();
  }, 180_000);

  it("refuses what it cannot do with clear 4xx answers", async () => {
    const post = (space: string, body: unknown) => fetch(`${server.url}/api/spaces/${space}/agent/runs`, { method: "POST", headers: { Authorization: `Bearer ${server.key}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const none = await post(plain, { prompt: "hi" });
    expect(none.status).toBe(409);
    expect(((await none.json()) as { code: string }).code).toBe("AGENT_UNSUPPORTED");
    for (const body of [{}, { prompt: "" }, { prompt: "x", resume: "yesterday" }, { prompt: "x", extra: 1 }, { prompt: "x", maxTurns: 0 }]) {
      const r = await post(main, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(((await r.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
    }
    expect((await post("no-such-space", { prompt: "x" })).status).toBe(404);
    // A Claude session where there is no Claude Code is a refused upgrade, not a socket that closes.
    const refused = await TermClient.open(client.terminalUrl(plain, { kind: "claude" }), { Authorization: `Bearer ${server.key}` }).then(
      () => ({ status: 101, body: "" }),
      (e: { status?: number; body?: string }) => ({ status: e.status, body: e.body ?? "" }),
    );
    expect(refused.status).toBe(409);
    expect(refused.body).toContain("AGENT_UNSUPPORTED");
    const missing = await fetch(`${server.url}/api/spaces/${main}/agent/runs/tsk_0000000000000000`, { headers: { Authorization: `Bearer ${server.key}` } });
    expect(missing.status).toBe(404);
  }, 60_000);

  it("the credentials are found nowhere: answers, server log, audit, SQLite files, /metrics", async () => {
    const audit = await client.audit({ limit: 1000 });
    answers.push(JSON.stringify(audit));
    answers.push(await (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${server.key}` } })).text());
    for (const r of await client.agent.list(main)) {
      answers.push(JSON.stringify(await client.agent.get(main, r.id)));
      answers.push(JSON.stringify(await client.tasks.logs(main, r.id)));
    }
    answers.push(JSON.stringify(await client.tasks.list()));
    const files = (await readdir(join(dataDir, "data"))).filter((f) => f.startsWith("clawdspace.db"));
    expect(files.length).toBeGreaterThan(0);
    const haystacks = [...answers, server.output(), ...(await Promise.all(files.map((f) => readFile(join(dataDir, "data", f), "latin1"))))];
    for (const key of [operatorKey, spaceKey, envKey]) {
      for (const h of haystacks) expect(h.includes(key)).toBe(false);
      // Nor a recognisable part of it.
      for (const h of haystacks) expect(h.includes(key.slice(-20))).toBe(false);
    }
    expect(audit.events.some((e) => e.type === "agent.run")).toBe(true);
  }, 60_000);
});
