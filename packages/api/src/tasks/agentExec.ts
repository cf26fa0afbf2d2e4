import { randomUUID } from "node:crypto";
import { RuntimeError } from "../engine/errors.js";
import type { ExecPort, ExecSpec } from "../engine/ports/exec.js";
import { EXEC_ID_ENV, OCI_FAILURE, classifyStartFailure, killExec } from "../exec/execCleanup.js";
import { parseAgentStatus, type AgentStatus } from "./agentStatus.js";
import { RecordDecoder, type AgentRecord } from "./records.js";
import type { TaskAgentPort, TaskLogRequest, TaskStartSpec, TaskStarted } from "./ports.js";
import { TaskCwdError, TaskStartError, TasksUnsupportedError } from "./taskErrors.js";

export const AGENT_BIN = "/opt/clawdspace/bin/clawdspace-agent";
export const TASKS_DIR = "/workspace/.clawdspace/tasks";
/** Our own calls never look a program up on the space's PATH (the user can write folders on it). */
const SAFE_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";
const CONTROL_DEADLINE_MS = 20_000;
const CONTROL_MAX_BYTES = 4 * 1024 * 1024;

export const taskDir = (id: string) => `${TASKS_DIR}/${id}`;

/** Bytes of a control call, capped here (what the space prints is not trusted to be small). */
class Capped {
  readonly out: Buffer[] = [];
  private size = 0;
  overflow = false;
  push(chunk: Buffer) {
    if (this.size + chunk.length > CONTROL_MAX_BYTES) {
      this.overflow = true;
      return;
    }
    this.out.push(chunk);
    this.size += chunk.length;
  }
  text() {
    return Buffer.concat(this.out).toString("utf8");
  }
}

/** The task supervisor reached through the engine's exec, one docker exec per call. */
export class ExecTaskAgent implements TaskAgentPort {
  constructor(private readonly exec: ExecPort) {}

  async start(space: string, spec: TaskStartSpec): Promise<TaskStarted> {
    const argv = [AGENT_BIN, "task-run", "--dir", taskDir(spec.id), "--cwd", spec.cwd, "--grace-ms", String(spec.graceMs)];
    if (spec.timeoutMs !== null) argv.push("--timeout-ms", String(spec.timeoutMs));
    argv.push("--", ...spec.argv);
    const { stdout, stderr, exitCode } = await this.control(space, { argv, cwd: "/", env: { ...spec.env, CLAWDSPACE_TASK_ID: spec.id } }, false);
    if (stdout.startsWith(OCI_FAILURE)) {
      if (classifyStartFailure(stdout) === "not-found") {
        throw new TasksUnsupportedError(`Space ${space} has no task supervisor (${AGENT_BIN}): its image predates tasks or is not a Clawdspace image; recreate it from the current image`);
      }
      throw new TaskStartError(`The task could not start: ${stdout.trim().slice(0, 500)}`);
    }
    const line = firstJson(stdout);
    if (line?.ok === true && typeof line.pid === "number" && typeof line.startedAt === "number") return { pid: line.pid, startedAt: line.startedAt };
    if (line?.ok === false && line.code === "cwd") throw new TaskCwdError(spec.cwd, String(line.error ?? "not a directory"));
    throw new TaskStartError(`The task supervisor did not start the task (exit ${exitCode}): ${(String(line?.error ?? "") || stderr || stdout).trim().slice(0, 500)}`);
  }

  async statuses(space: string): Promise<Map<string, AgentStatus>> {
    const { stdout } = await this.control(space, { argv: [AGENT_BIN, "task-status", "--root", TASKS_DIR], cwd: "/" });
    const out = new Map<string, AgentStatus>();
    for (const line of stdout.split("\n")) {
      if (!line.trim()) continue;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        continue;
      }
      const s = parseAgentStatus(v);
      if (s) out.set(s.id, s);
    }
    return out;
  }

  async cancel(space: string, id: string, waitMs: number): Promise<void> {
    await this.control(space, { argv: [AGENT_BIN, "task-cancel", "--dir", taskDir(id), "--wait-ms", String(waitMs)], cwd: "/" }, true, waitMs + CONTROL_DEADLINE_MS);
  }

  async remove(space: string, id: string): Promise<void> {
    await this.control(space, { argv: ["/bin/rm", "-rf", "--", taskDir(id)], cwd: "/" });
  }

  async logs(space: string, id: string, req: TaskLogRequest, onRecord: (r: AgentRecord) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    const argv = [AGENT_BIN, "task-log", "--dir", taskDir(id), "--offset", String(req.offset)];
    if (req.maxBytes !== undefined) argv.push("--max-bytes", String(req.maxBytes));
    if (req.follow) argv.push("--follow", "--wait-ms", String(req.waitMs ?? 25_000));
    const execId = randomUUID();
    const decoder = new RecordDecoder();
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    // A follow waits on purpose; the deadline is only a backstop against a wedged agent.
    const limit = (req.waitMs ?? 0) + CONTROL_DEADLINE_MS;
    const deadline = setTimeout(() => controller.abort(new RuntimeError(`the space's task supervisor did not answer within ${limit} ms`)), limit);
    // Records are handed on strictly in order: a chunk that arrives while an earlier one is still
    // being written to a slow client waits its turn (the sink may be called again before it settles).
    let chain: Promise<void> = Promise.resolve();
    try {
      await this.exec.run(
        space,
        { argv, cwd: "/", env: { PATH: SAFE_PATH, [EXEC_ID_ENV]: execId } },
        (stream, chunk) => {
          if (stream !== "stdout") return;
          const records = decoder.push(chunk);
          chain = chain.then(async () => {
            for (const r of records) await onRecord(r);
          });
          return chain;
        },
        controller.signal,
      );
      await chain;
    } catch (e) {
      // Our own abort (client gone, deadline): the agent may still be waiting in the space.
      if (controller.signal.aborted) {
        void killExec(this.exec, space, execId).catch(() => undefined);
        if (!signal?.aborted && controller.signal.reason instanceof RuntimeError) throw controller.signal.reason;
      }
      throw e;
    } finally {
      clearTimeout(deadline);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private async control(space: string, spec: ExecSpec, safePath = true, deadlineMs = CONTROL_DEADLINE_MS): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const out = new Capped();
    const err = new Capped();
    const env = { ...spec.env, ...(safePath ? { PATH: SAFE_PATH } : {}) };
    const { exitCode } = await this.exec.run(space, { ...spec, env }, (s, chunk) => (s === "stdout" ? out : err).push(chunk), AbortSignal.timeout(deadlineMs));
    return { stdout: out.text(), stderr: err.text(), exitCode };
  }
}

function firstJson(text: string): Record<string, unknown> | undefined {
  const line = text.split("\n").find((l) => l.trim().startsWith("{"));
  if (!line) return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
