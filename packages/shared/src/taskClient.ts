import type { ClawdspaceClient } from "./client.js";
import type { Task, TaskLogPage, TaskLogStreamLine, TaskRequest, TaskState } from "./schemas/task.js";
import { enc, ndjson, query } from "./wire.js";

export interface TaskLogOptions {
  offset?: number;
  stream?: "stdout" | "stderr" | "both";
  maxBytes?: number;
  signal?: AbortSignal;
}

const ENDED: ReadonlySet<TaskState> = new Set(["succeeded", "failed", "cancelled", "timed-out", "interrupted"]);
export const isTaskEnded = (t: Pick<Task, "state">) => ENDED.has(t.state);

/** The task routes over one client's auth and error mapping. */
export class TaskClient {
  constructor(private readonly c: ClawdspaceClient) {}

  private base(space: string, id?: string) {
    return `/api/spaces/${enc(space)}/tasks${id ? `/${enc(id)}` : ""}`;
  }

  async start(space: string, req: TaskRequest): Promise<Task> {
    return (await this.c.json<{ task: Task }>("POST", this.base(space), req)).task;
  }

  async list(space?: string, state?: TaskState): Promise<Task[]> {
    const path = space ? `${this.base(space)}${query({ state })}` : `/api/tasks${query({ state })}`;
    return (await this.c.json<{ tasks: Task[] }>("GET", path)).tasks;
  }

  async get(space: string, id: string): Promise<Task> {
    return (await this.c.json<{ task: Task }>("GET", this.base(space, id))).task;
  }

  async cancel(space: string, id: string): Promise<Task> {
    return (await this.c.json<{ task: Task }>("POST", `${this.base(space, id)}/cancel`)).task;
  }

  async remove(space: string, id: string): Promise<void> {
    await this.c.json("DELETE", this.base(space, id));
  }

  async logs(space: string, id: string, o: TaskLogOptions = {}): Promise<TaskLogPage> {
    return this.c.json<TaskLogPage>("GET", `${this.base(space, id)}/logs${query({ offset: o.offset, stream: o.stream, maxBytes: o.maxBytes })}`);
  }

  /** Output as it comes, then one `end` line with the task as it ended. */
  async *follow(space: string, id: string, o: TaskLogOptions = {}): AsyncGenerator<TaskLogStreamLine> {
    const res = await this.c.request("GET", `${this.base(space, id)}/logs${query({ follow: 1, offset: o.offset, stream: o.stream })}`, undefined, {
      accept: "application/x-ndjson",
      signal: o.signal,
    });
    for await (const line of ndjson<TaskLogStreamLine | { error: string; code: string }>(res)) {
      if ("error" in line) throw new Error(`${line.error} (${line.code})`);
      yield line;
    }
  }

  /** Resolves with the task once it has ended (polls; a wait needs none of its output). */
  async wait(space: string, id: string, o: { intervalMs?: number; signal?: AbortSignal } = {}): Promise<Task> {
    for (;;) {
      const t = await this.get(space, id);
      if (isTaskEnded(t)) return t;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, o.intervalMs ?? 1000);
        o.signal?.addEventListener("abort", () => (clearTimeout(timer), reject(o.signal?.reason)), { once: true });
      });
    }
  }
}
