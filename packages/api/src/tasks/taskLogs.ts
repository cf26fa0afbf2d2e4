import type { TaskLogLine, TaskLogPage, TaskLogQuery, TaskLogStreamLine } from "@clawdspace/shared";
import type { Actor } from "../core/actor.js";
import { ConflictError } from "../engine/errors.js";
import type { ContainersPort } from "../engine/ports/containers.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";
import { parseAgentStatus } from "./agentStatus.js";
import type { TaskAgentPort } from "./ports.js";
import { jsonPayload, type AgentRecord } from "./records.js";
import type { TaskService } from "./taskService.js";

const FOLLOW_WAIT_MS = 20_000;
const ASLEEP_POLL_MS = 1_000;
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** Turns the agent's records into log lines, keeping the offset (bytes of output, both streams). */
class LineCursor {
  logStart = 0;
  logEnd = 0;
  constructor(
    public offset: number,
    private readonly want: TaskLogQuery["stream"],
  ) {}

  /** The line (or gap) a record means, if any; an `x` record's status is handed to onEnd. */
  take(r: AgentRecord, onEnd: (status: unknown) => void): TaskLogStreamLine | undefined {
    if (r.tag === "h") {
      const h = jsonPayload(r.payload);
      const num = (v: unknown, d: number) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : d);
      this.logStart = num(h?.logStart, 0);
      this.logEnd = num(h?.logEnd, 0);
      const from = num(h?.from, this.offset);
      if (from > this.offset) {
        const gap = { gap: { from: this.offset, to: from } };
        this.offset = from;
        return gap;
      }
      return undefined;
    }
    if (r.tag === "g") {
      const g = jsonPayload(r.payload);
      const to = typeof g?.to === "number" && g.to > this.offset ? g.to : this.offset;
      const gap = { gap: { from: this.offset, to } };
      this.offset = to;
      return gap;
    }
    if (r.tag === "x") {
      onEnd(jsonPayload(r.payload));
      return undefined;
    }
    this.offset += r.payload.length;
    const stream = r.tag === "o" ? "stdout" : "stderr";
    if (this.want !== "both" && this.want !== stream) return undefined;
    return { stream, data: r.payload.toString("utf8"), offset: this.offset };
  }
}

/** Reading a task's output from its log files in the space: a page, or a follow until it ends. */
export class TaskLogs {
  constructor(
    private readonly tasks: TaskService,
    private readonly agent: TaskAgentPort,
    private readonly lifecycle: Pick<SpaceLifecycle, "withWake">,
    private readonly containers: Pick<ContainersPort, "inspect">,
  ) {}

  async page(space: string, id: string, q: TaskLogQuery, who: Actor = {}): Promise<TaskLogPage & { wake?: "warm" | "cold" }> {
    const row = this.tasks.get(space, id);
    const cursor = new LineCursor(q.offset, q.stream);
    const lines: TaskLogLine[] = [];
    let start: number | undefined;
    const read = () => {
      cursor.offset = q.offset;
      lines.length = 0;
      return this.agent.logs(space, id, { offset: q.offset, maxBytes: q.maxBytes, follow: false }, (r) => {
        const line = cursor.take(r, () => undefined);
        if (r.tag === "h") start = cursor.offset;
        if (line && "stream" in line) lines.push(line);
      });
    };
    let wake;
    try {
      ({ wake } = await this.lifecycle.withWake(space, "task-logs", who, read));
    } catch (e) {
      // The sleep worker froze the space while we read (the call hangs until our deadline): wake it and read again.
      const rec = await this.containers.inspect(space).catch(() => undefined);
      if (!rec || rec.state === "running") throw e;
      ({ wake } = await this.lifecycle.withWake(space, "task-logs", who, read));
    }
    const now = this.tasks.get(space, id);
    return {
      task: this.tasks.view(now),
      offset: start ?? q.offset,
      nextOffset: cursor.offset,
      logStart: cursor.logStart,
      lines,
      complete: now.state !== "running" && row.state !== "running" && cursor.offset >= cursor.logEnd,
      ...(wake ? { wake } : {}),
    };
  }

  /**
   * Streams output until the task ends, then one end line. Only the first call may wake the
   * space: a person who pauses it later freezes the task, and the follow waits for the resume.
   */
  async follow(space: string, id: string, q: TaskLogQuery, write: (line: TaskLogStreamLine) => void | Promise<void>, signal: AbortSignal, who: Actor = {}): Promise<void> {
    this.tasks.get(space, id);
    const cursor = new LineCursor(q.offset, q.stream);
    let first = true;
    while (!signal.aborted) {
      let ended = false;
      const onRecord = async (r: AgentRecord) => {
        const line = cursor.take(r, (status) => {
          ended = true;
          const s = parseAgentStatus(status);
          const row = this.tasks.get(space, id);
          if (s && row.state === "running") this.tasks.apply(row, s);
        });
        if (line) await write(line);
      };
      const call = () => this.agent.logs(space, id, { offset: cursor.offset, follow: true, waitMs: FOLLOW_WAIT_MS }, onRecord, signal);
      try {
        if (first) await this.lifecycle.withWake(space, "task-logs", who, call);
        else await call();
      } catch (e) {
        if (signal.aborted) return;
        // Frozen under the call (it timed out) counts as asleep too; any other failure of a running space is real.
        const rec = await this.containers.inspect(space).catch(() => undefined);
        if (!(e instanceof ConflictError) && rec?.state === "running") throw e;
        // Frozen or stopped under us: wait for it to run again (or for the task to be ended by a lifecycle change).
        if (!(await this.waitRunning(space, id, signal))) break;
      }
      first = false;
      if (ended || this.tasks.get(space, id).state !== "running") break;
    }
    if (signal.aborted) return;
    await this.drain(space, id, cursor, write, signal);
    await write({ end: true, nextOffset: cursor.offset, task: this.tasks.view(this.tasks.get(space, id)) });
  }

  /** What is left in the files after an end seen some other way (a restart interrupted it). */
  private async drain(space: string, id: string, cursor: LineCursor, write: (l: TaskLogStreamLine) => void | Promise<void>, signal: AbortSignal) {
    for (let i = 0; i < 64 && !signal.aborted; i++) {
      const before = cursor.offset;
      try {
        await this.agent.logs(space, id, { offset: cursor.offset, maxBytes: 1024 * 1024, follow: false }, async (r) => {
          const line = cursor.take(r, () => undefined);
          if (line) await write(line);
        }, signal);
      } catch {
        return;
      }
      if (cursor.offset === before) return;
    }
  }

  /** true once the space runs again; false when the task ended meanwhile or the space is gone. */
  private async waitRunning(space: string, id: string, signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (this.tasks.get(space, id).state !== "running") return false;
      const rec = await this.containers.inspect(space).catch(() => undefined);
      if (!rec) return false;
      if (rec.state === "running") return true;
      await sleep(ASLEEP_POLL_MS, signal);
    }
    return false;
  }
}
