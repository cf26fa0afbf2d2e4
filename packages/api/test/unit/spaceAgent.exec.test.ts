import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExecOutcome, ExecPort, ExecSpec } from "../../src/engine/ports/exec.js";
import { SpaceEvents } from "../../src/events/spaceEvents.js";
import { AgentExec } from "../../src/spaceAgent/agentExec.js";
import { SpaceAgentError } from "../../src/spaceAgent/errors.js";
import { AgentSockets } from "../../src/spaceAgent/sockets.js";
import { fakeAgent, frame, honest, u32s, type FakeAgent } from "./spaceAgent.fakeAgent.js";

/** The engine's exec as a recorder: every call it gets is a call that fell back. */
class RecordingExec implements ExecPort {
  readonly calls: { name: string; spec: ExecSpec }[] = [];
  async run(name: string, spec: ExecSpec): Promise<ExecOutcome> {
    this.calls.push({ name, spec });
    return { exitCode: 0 };
  }
  openTty(): never {
    throw new Error("not used");
  }
}

const log = pino({ level: "silent" });
let dataDir: string;
let sockets: AgentSockets;
let fallback: RecordingExec;
let exec: AgentExec;
let events: SpaceEvents;
const agents: FakeAgent[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "cs-agent-exec-"));
  sockets = new AgentSockets(dataDir, log);
  fallback = new RecordingExec();
  exec = new AgentExec(fallback, sockets, { answerMs: 200 }, log);
  events = new SpaceEvents();
  exec.watch(events);
});
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function agentFor(name: string, behave: Parameters<typeof fakeAgent>[0]): Promise<void> {
  const dir = sockets.prepare(name)!;
  agents.push(await fakeAgent(behave, join(dir, "agent.sock")));
}
const run = (name: string, spec: Partial<ExecSpec> = {}) => exec.run(name, { argv: ["true"], ...spec }, () => undefined);

describe("AgentExec: which path a call takes", () => {
  it("goes through the agent when the space has one", async () => {
    await agentFor("s1", honest([], 5));
    await expect(run("s1")).resolves.toEqual({ exitCode: 5 });
    expect(fallback.calls).toEqual([]);
    expect(exec.counts).toEqual({ agent: 1, fallback: 0 });
  });

  it("falls back for a space made without an agent, and for root", async () => {
    await run("no-agent");
    await agentFor("s1", honest([], 0));
    await run("s1", { user: "0:0" });
    expect(fallback.calls.map((c) => c.name)).toEqual(["no-agent", "s1"]);
  });

  it("falls back while the space sleeps, and uses the agent again once it runs", async () => {
    await agentFor("s1", honest([], 0));
    events.emit({ space: "s1", state: "paused", cause: "idle", at: 0 });
    await run("s1");
    expect(fallback.calls).toHaveLength(1);
    events.emit({ space: "s1", state: "running", cause: "wake:exec", at: 1 });
    await run("s1");
    expect(exec.counts.agent).toBe(1);
  });

  it("falls back from a silent or garbage-speaking agent, at once or within the deadline", async () => {
    await agentFor("silent", () => undefined);
    await agentFor("garbage", (sock) => sock.once("data", () => sock.write("\xff\xff\xff\xff\xff\xff")));
    const t = Date.now();
    await run("silent");
    await run("garbage");
    expect(Date.now() - t).toBeLessThan(2000);
    expect(fallback.calls.map((c) => c.name)).toEqual(["silent", "garbage"]);
  });

  it("a dead agent (socket gone) falls back and is restarted once, as the space's user", async () => {
    sockets.prepare("s1");
    await run("s1");
    await run("s1");
    const restarts = fallback.calls.filter((c) => c.spec.argv.includes("serve"));
    expect(restarts).toHaveLength(1);
    expect(restarts[0]!.spec).toMatchObject({ user: "1001:1001", argv: expect.arrayContaining(["--daemon", "/run/clawdspace/agent.sock"]) });
    expect(fallback.calls.filter((c) => c.spec.argv[0] === "true")).toHaveLength(2);
  });

  it("an agent that breaks after starting the process is a clear error, not a silent retry", async () => {
    await agentFor("s1", (sock) => sock.once("data", () => sock.end(frame("P", u32s(9)))));
    const err = await run("s1").catch((e) => e);
    expect(err).toBeInstanceOf(SpaceAgentError);
    expect((err as SpaceAgentError).code).toBe("SPACE_AGENT_FAILED");
    expect(fallback.calls).toEqual([]);
  });

  it("a removed space loses its socket folder", async () => {
    sockets.prepare("s1");
    expect(existsSync(join(dataDir, "sockets", "s1"))).toBe(true);
    events.emit({ space: "s1", state: "destroyed", cause: "user", at: 0 });
    expect(existsSync(join(dataDir, "sockets", "s1"))).toBe(false);
  });

  it("a space that puts something other than a socket at the name is never dialled", async () => {
    const dir = sockets.prepare("s1")!;
    const { symlinkSync } = await import("node:fs");
    const elsewhere = await fakeAgent(honest([], 0));
    agents.push(elsewhere);
    symlinkSync(elsewhere.path, join(dir, "agent.sock"));
    await run("s1");
    expect(elsewhere.received).toEqual([]);
    expect(fallback.calls.some((c) => c.spec.argv[0] === "true")).toBe(true);
  });
});
