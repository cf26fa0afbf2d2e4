import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentRunRequestSchema, type AgentEvent } from "@clawdspace/shared";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { runArgv, sessionArgv, CLAUDE_WRAPPER } from "../../src/agents/claudeCommand.js";
import { AgentCredentialStore, CredentialsFileError, parseCredentialsFile } from "../../src/agents/credentials.js";
import { eventsOfLine, LineAssembler, TOOL_RESULT_MAX_CHARS, type RunFacts } from "../../src/agents/transcript.js";
import { ConfigError, loadConfig } from "../../src/config.js";

const log = pino({ level: "silent" });
const line = (v: unknown) => JSON.stringify(v);

describe("transcript: Claude Code's stream-json as events", () => {
  it("takes the session from init, text and tool calls from the assistant, results from the user turn, the summary from result", () => {
    const facts: RunFacts = {};
    const all: AgentEvent[] = [
      ...eventsOfLine(line({ type: "system", subtype: "init", session_id: "s-1", model: "m", cwd: "/workspace" }), 10, facts),
      ...eventsOfLine(line({ type: "assistant", message: { content: [{ type: "text", text: "I will" }, { type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } }] }, session_id: "s-1" }), 20, facts),
      ...eventsOfLine(line({ type: "user", message: { content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "a\nb" }], is_error: false }] } }), 30, facts),
      ...eventsOfLine(line({ type: "result", subtype: "success", is_error: false, result: "done", num_turns: 2, duration_ms: 5, total_cost_usd: 0.01, usage: { input_tokens: 3, output_tokens: 4 }, session_id: "s-1" }), 40, facts),
    ];
    expect(all.map((e) => e.type)).toEqual(["init", "text", "tool_call", "tool_result", "result"]);
    expect(all[2]).toEqual({ type: "tool_call", id: "t1", name: "Bash", input: { command: "ls" }, offset: 20 });
    expect(all[3]).toMatchObject({ toolUseId: "t1", content: "a\nb", isError: false, truncated: false, offset: 30 });
    expect(facts).toMatchObject({ sessionId: "s-1", result: { text: "done", isError: false, numTurns: 2, costUsd: 0.01, usage: { inputTokens: 3, outputTokens: 4, cacheReadInputTokens: 0 } } });
  });

  it("an error result is an error whatever its exit, with its messages as error events", () => {
    const facts: RunFacts = {};
    const ev = eventsOfLine(line({ type: "result", subtype: "error_max_turns", is_error: false, errors: ["out of turns"] }), 5, facts);
    expect(ev.map((e) => e.type)).toEqual(["result", "error"]);
    expect(facts.result?.isError).toBe(true);
  });

  it("a line that is not JSON is output; a subagent's steps and unknown types are left out; huge tool output is cut", () => {
    const facts: RunFacts = {};
    expect(eventsOfLine("bash: claude: command not found", 7, facts)).toEqual([{ type: "output", text: "bash: claude: command not found", offset: 7 }]);
    expect(eventsOfLine(line({ type: "assistant", parent_tool_use_id: "t0", message: { content: [{ type: "text", text: "inner" }] } }), 8, facts)).toEqual([]);
    expect(eventsOfLine(line({ type: "stream_event", event: {} }), 9, facts)).toEqual([]);
    expect(eventsOfLine("", 9, facts)).toEqual([]);
    const big = "x".repeat(TOOL_RESULT_MAX_CHARS + 10);
    const [r] = eventsOfLine(line({ type: "user", message: { content: [{ type: "tool_result", tool_use_id: "t", content: big }] } }), 11, facts);
    expect(r).toMatchObject({ type: "tool_result", truncated: true });
    expect((r as { content: string }).content.length).toBe(TOOL_RESULT_MAX_CHARS);
  });
});

describe("LineAssembler: offsets a resume can start from", () => {
  it("gives each line the offset after its newline and holds a partial line back", () => {
    // stdout "ab\ncd" written at offsets 100..105, then "e\n" after 3 bytes of stderr (105..108).
    const asm = new LineAssembler(100);
    expect(asm.push(Buffer.from("ab\ncd"), 105)).toEqual([{ line: "ab", offset: 103 }]);
    asm.settle(108); // stderr went by while "cd" was pending: no resume inside the pending line
    expect(asm.resumeAt).toBe(103);
    expect(asm.push(Buffer.from("e\n"), 110)).toEqual([{ line: "cde", offset: 110 }]);
    asm.settle(115);
    expect(asm.resumeAt).toBe(115);
  });

  it("a multi-byte character split across chunks is joined; a gap drops what was pending", () => {
    const asm = new LineAssembler(0);
    const euro = Buffer.from("€\n");
    expect(asm.push(euro.subarray(0, 2), 2)).toEqual([]);
    expect(asm.push(euro.subarray(2), 4)).toEqual([{ line: "€", offset: 4 }]);
    asm.push(Buffer.from("half"), 8);
    asm.skipTo(50);
    expect(asm.push(Buffer.from("new\n"), 54)).toEqual([{ line: "new", offset: 54 }]);
  });
});

describe("agent requests and commands", () => {
  it("puts the prompt after --, so one starting with - is still a prompt; resume and limits become flags", () => {
    expect(runArgv({ prompt: "--help me", resume: null })).toEqual([CLAUDE_WRAPPER, "-p", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions", "--", "--help me"]);
    const a = runArgv({ prompt: "p", resume: "11111111-2222-3333-4444-555555555555", model: "sonnet", maxTurns: 3 });
    expect(a.slice(6, -2)).toEqual(["--resume", "11111111-2222-3333-4444-555555555555", "--model", "sonnet", "--max-turns", "3"]);
    expect(runArgv({ prompt: "p", resume: "continue" })).toContain("--continue");
    expect(sessionArgv(null)).toEqual([CLAUDE_WRAPPER, "--dangerously-skip-permissions"]);
  });

  it("refuses bad requests field by field", () => {
    for (const bad of [{}, { prompt: "" }, { prompt: "x", resume: "tomorrow" }, { prompt: "x", model: "--evil" }, { prompt: "x", maxTurns: 0 }, { prompt: "x", other: 1 }, { prompt: "a\u0000b" }, { prompt: "é".repeat(60_000) }]) {
      expect(AgentRunRequestSchema.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
    }
    expect(AgentRunRequestSchema.parse({ prompt: "ok", resume: "last" })).toEqual({ prompt: "ok", resume: "last" });
  });
});

describe("agent credentials", () => {
  it("parses the operator's file and names a bad line without its value", () => {
    expect(parseCredentialsFile('# c\nANTHROPIC_API_KEY="sk-ant-1"\nexport ANTHROPIC_BASE_URL=http://127.0.0.1:8787\n', "f")).toEqual({ apiKey: "sk-ant-1", baseUrl: "http://127.0.0.1:8787" });
    expect(() => parseCredentialsFile("OPENAI_KEY=sk-secret-value", "f")).toThrow(CredentialsFileError);
    const e = (() => {
      try {
        parseCredentialsFile("ANTHROPIC_API_KEY=has space-secret", "f");
      } catch (err) {
        return err as Error;
      }
      throw new Error("accepted a key with a space");
    })();
    expect(e.message).toContain("apiKey");
    expect(e.message).not.toContain("space-secret");
  });

  it("a space's own credentials win field by field, live in a 0600 file, and go with the space", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cs-cred-"));
    const file = join(dir, "agent.env");
    await writeFile(file, "ANTHROPIC_API_KEY=sk-ant-operator-key\nANTHROPIC_BASE_URL=http://proxy:1\n");
    const store = new AgentCredentialStore(join(dir, "data"), file, log);
    store.set("one", { apiKey: "sk-ant-own-key-123" });
    expect(store.envFor("one")).toEqual({ CLAWDSPACE_ANTHROPIC_API_KEY: "sk-ant-own-key-123", ANTHROPIC_BASE_URL: "http://proxy:1" });
    expect(store.envFor("two")).toEqual({ CLAWDSPACE_ANTHROPIC_API_KEY: "sk-ant-operator-key", ANTHROPIC_BASE_URL: "http://proxy:1" });
    expect((await stat(join(dir, "data", "agent-credentials", "one.json"))).mode & 0o777).toBe(0o600);
    // A rotated operator key is used at once; a broken file keeps the last good one.
    await writeFile(file, "ANTHROPIC_API_KEY=sk-ant-rotated-key\n");
    expect(store.envFor("two").CLAWDSPACE_ANTHROPIC_API_KEY).toBe("sk-ant-rotated-key");
    await writeFile(file, "NOT_ALLOWED=1\n");
    expect(store.envFor("two").CLAWDSPACE_ANTHROPIC_API_KEY).toBe("sk-ant-rotated-key");
    store.remove("one");
    expect(store.envFor("one").CLAWDSPACE_ANTHROPIC_API_KEY).toBe("sk-ant-rotated-key");
    await expect(stat(join(dir, "data", "agent-credentials", "one.json"))).rejects.toThrow(/ENOENT/);
  });

  it("config refuses an unreadable or wrong credentials file at start, naming the variable", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cs-cfg-"));
    expect(() => loadConfig({ HOME: "/h", AGENT_CREDENTIALS_FILE: "relative.env" })).toThrow(ConfigError);
    expect(() => loadConfig({ HOME: "/h", AGENT_CREDENTIALS_FILE: join(dir, "missing.env") })).toThrow(/AGENT_CREDENTIALS_FILE: cannot read/);
    await writeFile(join(dir, "bad.env"), "SOMETHING=1\n");
    expect(() => loadConfig({ HOME: "/h", AGENT_CREDENTIALS_FILE: join(dir, "bad.env") })).toThrow(/AGENT_CREDENTIALS_FILE: .*line 1/);
    const cfg = loadConfig({ HOME: "/h" });
    expect(cfg.agent).toEqual({ image: "clawdspace/agent:latest", claudeCodeVersion: "2.1.332", credentialsFile: undefined });
  });
});
