import type { ClawdspaceClient } from "./client.js";
import type { AgentRun, AgentRunRequest, AgentTranscript, AgentTranscriptStreamLine } from "./schemas/agent.js";
import { isTaskEnded } from "./taskClient.js";
import { enc, ndjson, query } from "./wire.js";

export const isRunEnded = (r: Pick<AgentRun, "state">) => isTaskEnded(r);

/** The agent-run routes over one client's auth and error mapping. */
export class AgentClient {
  constructor(private readonly c: ClawdspaceClient) {}

  private base(space: string, id?: string) {
    return `/api/spaces/${enc(space)}/agent/runs${id ? `/${enc(id)}` : ""}`;
  }

  async run(space: string, req: AgentRunRequest): Promise<AgentRun> {
    return (await this.c.json<{ run: AgentRun }>("POST", this.base(space), req)).run;
  }

  async list(space: string): Promise<AgentRun[]> {
    return (await this.c.json<{ runs: AgentRun[] }>("GET", this.base(space))).runs;
  }

  /** The run and its transcript from `offset` on. */
  async get(space: string, id: string, o: { offset?: number } = {}): Promise<AgentTranscript> {
    return this.c.json<AgentTranscript>("GET", `${this.base(space, id)}${query({ offset: o.offset })}`);
  }

  async cancel(space: string, id: string): Promise<AgentRun> {
    return (await this.c.json<{ run: AgentRun }>("POST", `${this.base(space, id)}/cancel`)).run;
  }

  /** Transcript events as they come, then one `end` line with the run as it ended. */
  async *follow(space: string, id: string, o: { offset?: number; signal?: AbortSignal } = {}): AsyncGenerator<AgentTranscriptStreamLine> {
    const res = await this.c.request("GET", `${this.base(space, id)}${query({ follow: 1, offset: o.offset })}`, undefined, {
      accept: "application/x-ndjson",
      signal: o.signal,
    });
    for await (const line of ndjson<AgentTranscriptStreamLine | { error: string; code: string }>(res)) {
      if ("error" in line) throw new Error(`${line.error} (${line.code})`);
      yield line;
    }
  }
}
