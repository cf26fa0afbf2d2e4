import type { AgentEvent, AgentTranscript, AgentTranscriptStreamLine, TaskLogStreamLine } from "@clawdspace/shared";
import type { Logger } from "pino";
import type { Actor } from "../core/actor.js";
import type { ContainersPort } from "../engine/ports/containers.js";
import type { TaskLogs } from "../tasks/taskLogs.js";
import type { AgentRunRepo } from "./agentRunRepo.js";
import type { AgentRuns } from "./agentRuns.js";
import type { AgentCredentialStore } from "./credentials.js";
import { MASK } from "../core/mask.js";
import { eventsOfLine, LineAssembler, type RunFacts } from "./transcript.js";

/** One GET answers at most this much of the run's output; `nextOffset` says where the rest starts. */
const PAGE_BUDGET_BYTES = 8 * 1024 * 1024;
const READ_BYTES = 1024 * 1024;
/** The last stderr kept for a run that failed without saying why on stdout. */
const STDERR_TAIL = 2048;

/** Turns a run's task log into transcript events, and keeps the run's row up to date with what it learns. */
class Reader {
  readonly facts: RunFacts = {};
  readonly asm: LineAssembler;
  stderrTail = "";
  private readonly secrets: string[];

  constructor(offset: number, secrets: string[]) {
    this.asm = new LineAssembler(offset);
    // As written in the output, and as a JSON string would escape it.
    this.secrets = [...new Set(secrets.flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]))];
  }

  private redact(s: string): string {
    for (const v of this.secrets) if (s.includes(v)) s = s.split(v).join(MASK);
    return s;
  }

  take(line: TaskLogStreamLine): AgentEvent[] {
    if ("gap" in line) {
      this.asm.skipTo(line.gap.to);
      return [];
    }
    if ("end" in line) {
      this.asm.settle(line.nextOffset);
      return [];
    }
    if (line.stream === "stderr") {
      this.stderrTail = this.redact(this.stderrTail + line.data).slice(-STDERR_TAIL);
      this.asm.settle(line.offset);
      return [];
    }
    const out: AgentEvent[] = [];
    for (const l of this.asm.push(Buffer.from(line.data, "utf8"), line.offset)) out.push(...eventsOfLine(this.redact(l.line), l.offset, this.facts));
    return out;
  }
}

export class AgentTranscripts {
  private readonly summarizing = new Map<string, Promise<void>>();

  constructor(
    private readonly runs: AgentRuns,
    private readonly repo: AgentRunRepo,
    private readonly logs: TaskLogs,
    private readonly containers: Pick<ContainersPort, "inspect">,
    private readonly credentials: Pick<AgentCredentialStore, "secretValues">,
    private readonly log: Logger,
  ) {}

  private reader(space: string, offset: number): Reader {
    return new Reader(offset, this.credentials.secretValues(space));
  }

  async page(space: string, id: string, offset: number, who: Actor = {}): Promise<AgentTranscript & { wake?: "warm" | "cold" }> {
    this.runs.rows(space, id);
    const reader = this.reader(space, offset);
    const events: AgentEvent[] = [];
    let cur = offset;
    let read = 0;
    let complete = false;
    let wake: "warm" | "cold" | undefined;
    while (read < PAGE_BUDGET_BYTES) {
      const page = await this.logs.page(space, id, { offset: cur, stream: "both", follow: false, maxBytes: READ_BYTES }, who);
      wake ??= page.wake;
      if (page.offset > cur) reader.asm.skipTo(page.offset);
      for (const line of page.lines) events.push(...reader.take(line));
      reader.asm.settle(page.nextOffset);
      complete = page.complete;
      if (page.complete || page.nextOffset <= cur) break;
      read += page.nextOffset - cur;
      cur = page.nextOffset;
    }
    this.learn(space, id, reader, offset === 0 && complete);
    if (complete) await this.summarize(space, id);
    return { run: this.runs.view(space, id), events, nextOffset: reader.asm.resumeAt, complete: complete && reader.asm.resumeAt >= cur, ...(wake ? { wake } : {}) };
  }

  /** Events as the agent writes them, then one end line with the run as it ended. */
  async follow(space: string, id: string, offset: number, write: (l: AgentTranscriptStreamLine) => void | Promise<void>, signal: AbortSignal, who: Actor = {}): Promise<void> {
    this.runs.rows(space, id);
    const reader = this.reader(space, offset);
    let sessionKnown = false;
    await this.logs.follow(
      space,
      id,
      { offset, stream: "both", follow: true, maxBytes: READ_BYTES },
      async (line) => {
        for (const event of reader.take(line)) await write({ event });
        if (!sessionKnown && reader.facts.sessionId) {
          sessionKnown = true;
          this.repo.setSession(id, reader.facts.sessionId);
        }
      },
      signal,
      who,
    );
    if (signal.aborted) return;
    this.learn(space, id, reader, offset === 0);
    await this.summarize(space, id);
    await write({ end: true, nextOffset: reader.asm.resumeAt, run: this.runs.view(space, id) });
  }

  /** Reads an ended run's whole output once for its summary (result, turns, cost, session). */
  summarize(space: string, id: string): Promise<void> {
    const { run, task } = this.runs.rows(space, id);
    if (run.summarized || task.state === "running") return Promise.resolve();
    const busy = this.summarizing.get(id);
    if (busy) return busy;
    const p = this.readAll(space, id)
      .catch((err) => this.log.warn({ err, space, run: id }, "could not read an agent run's output for its summary"))
      .finally(() => this.summarizing.delete(id));
    this.summarizing.set(id, p);
    return p;
  }

  /** On a task's end: summarize now if the space is up; a sleeping one is summarized when next read. */
  async onEnded(space: string, id: string): Promise<void> {
    const rec = await this.containers.inspect(space).catch(() => undefined);
    if (rec?.state === "running") await this.summarize(space, id);
  }

  private async readAll(space: string, id: string): Promise<void> {
    const reader = this.reader(space, 0);
    let cur = 0;
    for (;;) {
      const page = await this.logs.page(space, id, { offset: cur, stream: "both", follow: false, maxBytes: 4 * READ_BYTES });
      if (page.offset > cur) reader.asm.skipTo(page.offset);
      for (const line of page.lines) reader.take(line);
      if (page.complete || page.nextOffset <= cur) break;
      cur = page.nextOffset;
    }
    this.learn(space, id, reader, true);
  }

  /** What a read taught us: the session as soon as it is known; the summary once the whole output was read. */
  private learn(space: string, id: string, reader: Reader, whole: boolean): void {
    const f = reader.facts;
    if (f.sessionId) this.repo.setSession(id, f.sessionId);
    const { task } = this.runs.rows(space, id);
    if (!whole || task.state === "running") return;
    const r = f.result;
    const stderr = reader.stderrTail.trim();
    this.repo.summarize(id, {
      sessionId: f.sessionId ?? null,
      result: r?.text ?? null,
      isError: r ? r.isError : task.state === "succeeded" ? null : true,
      numTurns: r?.numTurns ?? null,
      durationMs: r?.durationMs ?? null,
      costUsd: r?.costUsd ?? null,
      usage: r?.usage ?? null,
      error: r?.isError ? (r.errors[0] ?? r.text ?? "the agent reported an error") : !r && task.state !== "succeeded" && stderr ? stderr.slice(-500) : null,
    });
  }
}
