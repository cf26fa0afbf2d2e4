import type { AgentStatus } from "../../../src/tasks/agentStatus.js";
import type { TaskAgentPort, TaskLogRequest, TaskStartSpec, TaskStarted } from "../../../src/tasks/ports.js";
import type { AgentRecord } from "../../../src/tasks/records.js";
import type { FakeWorld } from "./world.js";

interface FakeTask {
  spec: TaskStartSpec;
  space: string;
  status: AgentStatus;
  records: AgentRecord[];
  waiters: Array<() => void>;
}

/** The supervisor inside a space, in memory: tests print output, end tasks and kill supervisors by hand. */
export class FakeTaskAgent implements TaskAgentPort {
  readonly tasks = new Map<string, FakeTask>();
  /** Set to make start() fail as the real agent would for a missing cwd. */
  missingCwds = new Set<string>();
  calls: Record<string, number> = {};

  constructor(
    private readonly world: FakeWorld,
    private readonly clock: () => number = Date.now,
  ) {}

  async start(space: string, spec: TaskStartSpec): Promise<TaskStarted> {
    this.count("start", space);
    if (this.missingCwds.has(spec.cwd)) {
      const { TaskCwdError } = await import("../../../src/tasks/taskErrors.js");
      throw new TaskCwdError(spec.cwd, "No such file or directory");
    }
    const startedAt = this.clock();
    const status: AgentStatus = { id: spec.id, state: "running", alive: true, pid: 100 + this.tasks.size, startedAt, endedAt: null, exitCode: null, signal: null, reason: null, stdoutBytes: 0, stderrBytes: 0, logStart: 0, logEnd: 0 };
    this.tasks.set(spec.id, { spec, space, status, records: [], waiters: [] });
    return { pid: status.pid!, startedAt };
  }

  async statuses(space: string): Promise<Map<string, AgentStatus>> {
    this.count("statuses", space);
    return new Map([...this.tasks.values()].filter((t) => t.space === space).map((t) => [t.spec.id, { ...t.status }]));
  }

  async cancel(space: string, id: string): Promise<void> {
    this.count("cancel", space);
    const t = this.tasks.get(id);
    if (t && t.status.state === "running" && t.status.alive) this.end(id, 143, "cancelled");
  }

  async remove(space: string, id: string): Promise<void> {
    this.count("remove", space);
    this.tasks.delete(id);
  }

  async logs(space: string, id: string, req: TaskLogRequest, onRecord: (r: AgentRecord) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    this.count("logs", space);
    const t = this.tasks.get(id);
    const header = (from: number) => ({ tag: "h" as const, payload: Buffer.from(JSON.stringify({ logStart: 0, logEnd: t?.status.logEnd ?? 0, from })) });
    if (!t) return void (await onRecord(header(req.offset)));
    await onRecord(header(req.offset));
    let at = 0;
    let sent = 0;
    const max = req.follow ? Infinity : (req.maxBytes ?? 1024 * 1024);
    const sendFrom = async () => {
      for (const r of t.records) {
        const end = at + r.payload.length;
        if (end > req.offset && sent < max) {
          const cut = r.payload.subarray(Math.max(0, req.offset - at));
          const piece = cut.subarray(0, Math.min(cut.length, max - sent));
          sent += piece.length;
          await onRecord({ tag: r.tag, payload: piece });
          req = { ...req, offset: end };
        }
        at = end;
      }
      at = 0;
    };
    await sendFrom();
    if (!req.follow) return;
    const deadline = this.clock() + (req.waitMs ?? 25_000);
    while (!signal?.aborted && t.status.state === "running" && t.status.alive && this.clock() < deadline) {
      await new Promise<void>((resolve) => {
        t.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
      this.world.running(space);
      await sendFrom();
    }
    if (t.status.state === "exited" || !t.status.alive) await onRecord({ tag: "x", payload: Buffer.from(JSON.stringify(t.status)) });
  }

  /** The task prints. */
  print(id: string, stream: "stdout" | "stderr", text: string): void {
    const t = this.tasks.get(id)!;
    const payload = Buffer.from(text);
    t.records.push({ tag: stream === "stdout" ? "o" : "e", payload });
    t.status[stream === "stdout" ? "stdoutBytes" : "stderrBytes"]! += payload.length;
    t.status.logEnd! += payload.length;
    this.wake(t);
  }

  /** The task's process exits (or the supervisor ends it for a reason). */
  end(id: string, exitCode: number, reason: "timeout" | "cancelled" | null = null): void {
    const t = this.tasks.get(id)!;
    Object.assign(t.status, { state: "exited", exitCode, reason, endedAt: this.clock() });
    this.wake(t);
  }

  /** The supervisor dies without writing an end (a container restart). */
  kill(id: string): void {
    const t = this.tasks.get(id)!;
    t.status.alive = false;
    this.wake(t);
  }

  only(): FakeTask {
    const [t] = [...this.tasks.values()];
    return t!;
  }

  private wake(t: FakeTask) {
    for (const w of t.waiters.splice(0)) w();
  }

  private count(op: string, space: string) {
    this.world.enter(`task.${op}`);
    this.world.running(space);
    this.calls[op] = (this.calls[op] ?? 0) + 1;
  }
}
