import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { AgentEvent, AgentRun, ClawdspaceClient } from "@clawdspace/shared";

/** The Messages API stand-in the tests run inside a space (see its header for its scripted answers). */
export const STUB_FILE = fileURLToPath(new URL("./fixtures/anthropic-stub.cjs", import.meta.url));
export const STUB_PORT = 8787;
export const STUB_LOG = "/workspace/.stub/requests.jsonl";

export interface StubRequest {
  at: number;
  path: string;
  model?: string;
  keySha256: string | null;
  messages: Array<{ role: string; text: string }>;
}

/** Puts the stub in the space and starts it as a task; resolves once it answers. */
export async function startStub(client: ClawdspaceClient, space: string, o: { keepAwake?: boolean } = {}): Promise<void> {
  await client.writeFile(space, "/.stub/anthropic-stub.cjs", await readFile(STUB_FILE));
  await client.tasks.start(space, { command: ["node", "/workspace/.stub/anthropic-stub.cjs", String(STUB_PORT), STUB_LOG], name: "anthropic stub", keepAwake: o.keepAwake ?? true });
  const until = Date.now() + 30_000;
  for (;;) {
    const r = await client.exec(space, { command: ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://127.0.0.1:${STUB_PORT}/`] });
    if (r.stdout.trim() === "404") return;
    if (Date.now() > until) throw new Error(`the stub did not start in ${space}: ${r.stdout} ${r.stderr}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

/** The Messages API calls the stub answered (not our own probes of it). */
export async function stubRequests(client: ClawdspaceClient, space: string): Promise<StubRequest[]> {
  const r = await client.exec(space, { command: ["cat", STUB_LOG] });
  return r.stdout
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as StubRequest)
    .filter((q) => q.path.startsWith("/v1/messages"));
}

/** Follows a run's transcript to its end. */
export async function followRun(client: ClawdspaceClient, space: string, id: string, o: { offset?: number; timeoutMs?: number } = {}): Promise<{ events: AgentEvent[]; run: AgentRun; nextOffset: number }> {
  const signal = AbortSignal.timeout(o.timeoutMs ?? 180_000);
  const events: AgentEvent[] = [];
  for await (const line of client.agent.follow(space, id, { offset: o.offset, signal })) {
    if ("event" in line) events.push(line.event);
    else return { events, run: line.run, nextOffset: line.nextOffset };
  }
  throw new Error(`the follow of run ${id} ended without an end line`);
}
