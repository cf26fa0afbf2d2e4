import type { AgentEvent } from "@clawdspace/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentCommand } from "../../src/commands/agent.js";
import { toCliError } from "../../src/errors.js";
import { captureContext, conversation, fakeAgentServer, fakeRun, SESSION, type FakeAgentServer } from "./agentFake.js";

const ID = "tsk_aaaaaaaaaaaaaaaa";
let f: FakeAgentServer;
beforeEach(async () => {
  f = await fakeAgentServer();
  f.events = conversation;
  f.ended = fakeRun({ state: "succeeded", isError: false, sessionId: SESSION, numTurns: 2, costUsd: 0.01234, result: "STUB-DONE: written" });
});
afterEach(() => f.close());

const noInterrupt = { interrupt: () => () => undefined };
const posts = () => f.requests.filter((r) => r.method === "POST");

describe("agent run", () => {
  it("posts the request, follows the transcript as text and exits 0 when the run succeeded", async () => {
    const c = captureContext(f.url);
    const code = await agentCommand(c.ctx, "run", ["dev", "fix it"], { resume: true, maxTurns: "4" }, noInterrupt);
    expect(code).toBe(0);
    expect(posts()[0]).toMatchObject({ url: "/api/spaces/dev/agent/runs", body: { prompt: "fix it", resume: "last", maxTurns: 4 } });
    expect(c.out()).toContain("⏺ Bash: echo hi > /workspace/a.txt\n  ⎿  (no output)\n");
    expect(c.out()).toMatch(/STUB-DONE: written\n\n✓ done · 2 turns · 3\.4s · \$0\.0123\n$/);
    expect(c.err()).toBe("");
  });

  it("exits 1 with the reason on stderr when Claude Code ends the run as an error", async () => {
    f.events = [...conversation.slice(0, 3), { type: "result", subtype: "error_max_turns", isError: true, result: null, numTurns: 1, durationMs: 800, costUsd: 0.001, sessionId: null, offset: 99 }];
    f.ended = fakeRun({ state: "failed", isError: true, error: "Reached maximum number of turns (1)" });
    const c = captureContext(f.url);
    expect(await agentCommand(c.ctx, "run", ["dev", "x"], { maxTurns: "1" }, noInterrupt)).toBe(1);
    expect(c.out()).toContain("✗ error_max_turns · 1 turn");
    expect(c.err()).toBe(`clawdspace: run ${ID} failed: Reached maximum number of turns (1)\n`);
  });

  it("goes on from the last event after a dropped stream: nothing twice, nothing lost", async () => {
    f.dropAfter = [2, 1];
    const c = captureContext(f.url);
    const code = await agentCommand(c.ctx, "run", ["dev", "x"], {}, { interrupt: noInterrupt.interrupt });
    expect(code).toBe(0);
    const follows = f.requests.filter((r) => r.url.includes("follow=1")).map((r) => new URL(r.url, "http://x").searchParams.get("offset"));
    expect(follows).toEqual(["0", "20", "30"]);
    expect(c.out().match(/⏺ Bash/g)).toHaveLength(1);
    expect(c.out().match(/I'll write the file/g)).toHaveLength(1);
    expect(c.out()).toContain("✓ done");
  }, 20_000);

  it("an interrupt stops following, leaves the run alone and says how to come back", async () => {
    f.hang = true;
    const c = captureContext(f.url);
    let stop: () => void = () => undefined;
    const running = agentCommand(c.ctx, "run", ["dev", "x"], {}, { interrupt: (s) => ((stop = s), () => undefined) });
    for (let i = 0; i < 200 && !f.requests.some((r) => r.url.includes("follow=1")); i++) await new Promise((r) => setTimeout(r, 10));
    stop();
    expect(await running).toBe(0);
    expect(c.err()).toContain(`clawdspace agent show dev ${ID} --follow`);
    expect(f.requests.some((r) => r.url.endsWith("/cancel"))).toBe(false);
  });

  it("--json prints one event per line, then the run; --detach prints only the id", async () => {
    const c = captureContext(f.url, { json: true });
    expect(await agentCommand(c.ctx, "run", ["dev", "x"], {}, noInterrupt)).toBe(0);
    const lines = c.out().trim().split("\n").map((l) => JSON.parse(l) as AgentEvent & { id?: string; state?: string });
    expect(lines.slice(0, -1).map((l) => l.type)).toEqual(conversation.map((e) => e.type));
    expect(lines.at(-1)).toMatchObject({ id: ID, state: "succeeded" });

    const d = captureContext(f.url);
    expect(await agentCommand(d.ctx, "run", ["dev", "x"], { detach: true })).toBe(0);
    expect(d.out()).toBe(`${ID}\n`);
    expect(f.requests.filter((r) => r.url.includes("follow=1"))).toHaveLength(1);
  });

  it("a space without Claude Code is told which template to use", async () => {
    f.refuse = { status: 409, code: "AGENT_UNSUPPORTED", error: "Space dev has no Claude Code" };
    const err = await agentCommand(captureContext(f.url).ctx, "run", ["dev", "x"], {}).catch((e: unknown) => toCliError(e));
    expect(err).toMatchObject({ code: "AGENT_UNSUPPORTED", exitCode: 1, message: expect.stringContaining("-t agent") });
  });
});

describe("agent ls, show and cancel", () => {
  it("ls is a table with id, state, turns, cost, session and the prompt cut short", async () => {
    f.ended = fakeRun({ state: "succeeded", numTurns: 2, costUsd: 0.5, sessionId: "3f2a9c1e-0b7d-4e8a-9c61-5d2f0e7a8b90", prompt: `please\n${"do it ".repeat(20)}` });
    const c = captureContext(f.url);
    await agentCommand(c.ctx, "ls", ["dev"], {});
    const [head, row] = c.out().split("\n");
    expect(head!.split(/\s{2,}/)).toEqual(["ID", "STATE", "STARTED", "TURNS", "COST", "SESSION", "PROMPT"]);
    expect(row).toContain(`${ID}   succeeded   2026-01-01 00:00:00   2       $0.5000   3f2a9c1e-0b7d-4e8a-9c61-5d2f0e7a8b90   please do it`);
    expect(row).toMatch(/…$/);
  });

  it("show prints the summary, then the whole transcript page by page", async () => {
    f.pageSize = 2;
    const c = captureContext(f.url);
    expect(await agentCommand(c.ctx, "show", ["dev", ID], {})).toBe(0);
    const out = c.out();
    expect(out).toMatch(new RegExp(`^id +${ID}\\nspace +dev\\nstate +succeeded\\n`));
    expect(out).toMatch(/turns +2\n/);
    expect(out.indexOf("⏺ Bash")).toBeGreaterThan(out.indexOf("cost"));
    expect(out).toContain("✓ done");
    expect(f.requests.filter((r) => r.method === "GET").map((r) => new URL(r.url, "http://x").searchParams.get("offset"))).toEqual(["0", "20", "40"]);
  });

  it("show --json gathers every page into one transcript; --follow on a running run follows on from the last page", async () => {
    f.pageSize = 4;
    const j = captureContext(f.url, { json: true });
    await agentCommand(j.ctx, "show", ["dev", ID], {});
    const doc = JSON.parse(j.out()) as { run: { state: string }; events: AgentEvent[]; complete: boolean };
    expect(doc.events.map((e) => e.offset)).toEqual(conversation.map((e) => e.offset));
    expect(doc).toMatchObject({ complete: true, run: { state: "succeeded" } });

    f.pageSize = 1000;
    f.live = true;
    const c = captureContext(f.url);
    await agentCommand(c.ctx, "show", ["dev", ID], {});
    expect(c.err()).toContain(`still running (follow it with: clawdspace agent show dev ${ID} --follow)`);
    const followed = captureContext(f.url);
    expect(await agentCommand(followed.ctx, "show", ["dev", ID], { follow: true }, noInterrupt)).toBe(0);
    expect(f.requests.at(-1)?.url).toBe(`/api/spaces/dev/agent/runs/${ID}?follow=1&offset=60`);
    expect(followed.out().match(/✓ done/g)).toHaveLength(1);
  });

  it("cancel answers the run's new state", async () => {
    const c = captureContext(f.url);
    await agentCommand(c.ctx, "cancel", ["dev", ID], {});
    expect(c.out()).toBe(`${ID} cancelled\n`);
    expect(posts().at(-1)?.url).toBe(`/api/spaces/dev/agent/runs/${ID}/cancel`);
  });
});
