import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AgentRun } from "@clawdspace/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { useCliServer, type CliFixture } from "./fixture.js";
import { CLI, engineAvailable, runId } from "./support.js";

const STUB = fileURLToPath(new URL("../../../api/test/integration/fixtures/anthropic-stub.cjs", import.meta.url));
const STUB_LOG = "/workspace/stub.jsonl";

/** The operator's credentials file: a key made up for this run, and the stub inside the space as the API. */
function credentialsFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "cs-cli-agent-")), "agent.env");
  writeFileSync(file, `ANTHROPIC_API_KEY=sk-ant-api03-${runId}-${randomBytes(12).toString("hex")}\nANTHROPIC_BASE_URL=http://127.0.0.1:8787\n`, { mode: 0o600 });
  return file;
}

async function runs(f: CliFixture): Promise<AgentRun[]> {
  const r = await f.cli(["agent", "ls", "--json", f.name]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { runs: AgentRun[] }).runs;
}

/** The Messages API requests the stub answered, oldest first. */
async function stubRequests(f: CliFixture): Promise<Array<{ path: string; messages: Array<{ role: string; text: string }> }>> {
  const r = await f.cli(["exec", f.name, "cat", STUB_LOG]);
  return r.stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { path: string; messages: Array<{ role: string; text: string }> })
    .filter((q) => q.path.startsWith("/v1/messages"));
}

describe.skipIf(!engineAvailable)("clawdspace agent against a real server and the real Claude Code", () => {
  const f = useCliServer("cagent", { create: ["-t", "agent"], serverEnv: { AGENT_CREDENTIALS_FILE: credentialsFile(), TASK_POLL_MS: "500" } });

  beforeAll(async () => {
    expect((await f.cli(["cp", "-q", STUB, `${f.name}:/anthropic-stub.cjs`])).code).toBe(0);
    const started = await f.cli(["task", "run", "-d", "-n", "anthropic stub", f.name, "--", `node /workspace/anthropic-stub.cjs 8787 ${STUB_LOG}`]);
    expect(started.code, started.stderr).toBe(0);
    for (const until = Date.now() + 30_000; ; ) {
      const probe = await f.cli(["exec", f.name, "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8787/"]);
      if (probe.stdout.trim() === "404") break;
      if (Date.now() > until) throw new Error(`the stub did not start: ${probe.stdout} ${probe.stderr}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }, 60_000);

  it("agent run follows the conversation as text: the Bash call, its result, the answer, and exits 0", async () => {
    const r = await f.cli(["agent", "run", f.name, "please [[bash: echo cli-was-here > /workspace/cli-proof.txt]]"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("⏺ Bash: echo cli-was-here > /workspace/cli-proof.txt\n  ⎿  ");
    expect(r.stdout).toMatch(/STUB-DONE/);
    expect(r.stdout).toMatch(/✓ done · 2 turns · [\d.]+s · \$[\d.]+\n$/);
    expect((await f.cli(["exec", f.name, "cat", "/workspace/cli-proof.txt"])).stdout).toBe("cli-was-here\n");
  });

  it("agent run --resume goes on with that conversation: the model is sent the earlier prompt", async () => {
    const [first] = await runs(f);
    const r = await f.cli(["agent", "run", f.name, "what did you write?", "--resume"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/STUB-REPLY: what did you write\?/);
    const last = (await stubRequests(f)).at(-1)!;
    expect(last.messages.map((m) => m.text).join("\n")).toContain("[[bash: echo cli-was-here > /workspace/cli-proof.txt]]");
    const [resumed] = await runs(f);
    expect(resumed).toMatchObject({ resume: first!.sessionId, sessionId: first!.sessionId, state: "succeeded" });
  });

  it("agent ls lists the runs with state, turns, session and prompt; agent show prints one with its transcript", async () => {
    const all = await runs(f);
    expect(all.length).toBeGreaterThanOrEqual(2);
    const ls = await f.cli(["agent", "ls", f.name]);
    expect(ls.code).toBe(0);
    for (const r of all.slice(0, 2)) expect(ls.stdout).toContain(r.id);
    expect(ls.stdout).toMatch(/succeeded +[\d-]+ [\d:]+ +2 +\$[\d.]+ +[0-9a-f-]{36} +please \[\[bash: echo cli-was-here/);
    const first = all.find((r) => r.prompt.startsWith("please"))!;
    const show = await f.cli(["agent", "show", f.name, first.id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^id +${first.id}\\n`));
    expect(show.stdout).toMatch(/\nturns +2\n/);
    expect(show.stdout).toContain("⏺ Bash: echo cli-was-here");
    const json = JSON.parse((await f.cli(["agent", "show", "--json", f.name, first.id])).stdout);
    expect(json).toMatchObject({ complete: true, run: { id: first.id, state: "succeeded" } });
    expect(json.events.map((e: { type: string }) => e.type)).toContain("tool_call");
  });

  it("a run Claude Code ends as an error (out of turns) exits 1 and says why", async () => {
    const r = await f.cli(["agent", "run", "--max-turns", "1", f.name, "[[bash: echo one-turn-only > /workspace/turn.txt]]"]);
    expect(r.code).toBe(1);
    // What Claude Code does at the limit: it still runs the tool of its one turn, then stops before
    // asking the model again (no STUB-DONE), with an error_max_turns result and an error message.
    expect(r.stdout).toContain("⏺ Bash: echo one-turn-only > /workspace/turn.txt");
    expect(r.stdout).not.toContain("STUB-DONE");
    expect(r.stdout).toMatch(/✗ error_max_turns · \d+ turns?/);
    expect(r.stdout).toMatch(/error: Reached maximum number of turns \(1\)/);
    expect(r.stderr).toMatch(/^clawdspace: run tsk_[a-z0-9]{16} failed: Reached maximum number of turns \(1\)\n$/);
    expect((await f.cli(["exec", f.name, "cat", "/workspace/turn.txt"])).stdout).toBe("one-turn-only\n");
    expect((await runs(f))[0]).toMatchObject({ state: "failed", isError: true });
  });

  it("Ctrl-C stops following and leaves the run going; agent show --follow picks it up to its end", async () => {
    const child = spawn(process.execPath, [CLI, "agent", "run", f.name, "[[slow: 60]] then stop"], { env: f.e.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((r) => child.on("close", r));
    for (let i = 0; i < 300 && !/session [0-9a-f-]{36}/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/session [0-9a-f-]{36}/);
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    const id = /agent show \S+ (tsk_[a-z0-9]{16}) --follow/.exec(err)?.[1];
    expect(id, err).toBeDefined();
    expect((await runs(f)).find((r) => r.id === id)?.state).toBe("running");
    const again = await f.cli(["agent", "show", "--follow", f.name, id!]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("STUB-SLOW-DONE");
    expect(again.stdout).toMatch(/✓ done/);
  });

  it("--detach prints the run id at once; agent cancel stops it and a follow then exits 1", async () => {
    // Not `sleep 300`: Claude Code refuses a standalone long sleep as a tool call and answers at once.
    const d = await f.cli(["agent", "run", "-d", f.name, "[[bash: node -e 'setTimeout(() => {}, 300000)']]"]);
    expect(d.code, d.stderr).toBe(0);
    const id = d.stdout.trim();
    expect(id).toMatch(/^tsk_[a-z0-9]{16}$/);
    for (const until = Date.now() + 60_000; ; ) {
      const page = JSON.parse((await f.cli(["agent", "show", "--json", f.name, id])).stdout) as { events: Array<{ type: string }> };
      if (page.events.some((e) => e.type === "tool_call")) break;
      if (Date.now() > until) throw new Error("the agent never called its tool");
      await new Promise((r) => setTimeout(r, 300));
    }
    const cancel = await f.cli(["agent", "cancel", f.name, id]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toBe(`${id} cancelled\n`);
    const follow = await f.cli(["agent", "show", "--follow", f.name, id]);
    expect(follow.code).toBe(1);
    expect(follow.stderr).toMatch(/cancelled/);
  });

  it("--json follows as one JSON event per line, then the run", async () => {
    const r = await f.cli(["agent", "run", "--json", f.name, "hello there"]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type?: string; state?: string; result?: string });
    expect(lines[0]?.type).toBe("init");
    expect(lines.some((l) => l.type === "result")).toBe(true);
    expect(lines.at(-1)).toMatchObject({ state: "succeeded", result: expect.stringMatching(/^STUB-REPLY: hello there/) });
  });
});
