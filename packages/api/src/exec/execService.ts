import { randomUUID } from "node:crypto";
import type { ExecInput, WakeTier } from "@clawdspace/shared";
import type { Logger } from "pino";
import { InvalidInputError } from "../core/errors.js";
import { WORKSPACE } from "../engine/naming.js";
import type { ExecPort, ExecSpec, OutputSink } from "../engine/ports/exec.js";
import type { ActivityTracker } from "../sleep/activity.js";
import { EXEC_ID_ENV, OCI_FAILURE, classifyStartFailure, killExec } from "./execCleanup.js";
import { SYSTEM_PATH } from "../engine/internalExec.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { Actor } from "../core/actor.js";
import { ForbiddenError } from "../core/errors.js";
import { LABEL } from "../engine/naming.js";
import type { ContainersPort } from "../engine/ports/containers.js";
import type { SpaceLifecycle } from "../spaces/lifecycle.js";

export const TIMEOUT_EXIT_CODE = 124;
/** How long past its deadline we wait for `timeout` inside the space before cutting the stream ourselves. */
const BACKSTOP_MS = 5_000;

export interface ExecRun {
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
  wake?: WakeTier;
}

/** Turns an exec request into argv: a string runs through a login shell, an array is argv as given. */
export function buildExecSpec(input: ExecInput, execId: string = randomUUID()): ExecSpec {
  let argv = typeof input.command === "string" ? ["bash", "-lc", "--", input.command] : [...input.command];
  if (input.timeoutMs !== undefined) {
    // coreutils `timeout` signals the whole process group (TERM, then KILL 2 s later) and exits 124.
    argv = ["timeout", "-k", "2", `${(input.timeoutMs / 1000).toFixed(3)}s`, ...argv];
  }
  return {
    argv,
    cwd: input.cwd ?? WORKSPACE,
    // Root never looks programs up in folders the space's user can write (a planted ~/.local/bin/bash).
    env: { ...(input.asRoot ? { PATH: SYSTEM_PATH } : {}), ...input.env, [EXEC_ID_ENV]: execId },
    stdin: input.stdin !== undefined ? Buffer.from(input.stdin, "utf8") : undefined,
    ...(input.asRoot ? { user: "0:0" } : {}),
  };
}

export class ExecService {
  constructor(
    private readonly exec: ExecPort,
    private readonly containers: Pick<ContainersPort, "inspect">,
    private readonly lifecycle: SpaceLifecycle,
    private readonly activity: ActivityTracker,
    private readonly log: Logger,
    private readonly audit?: AuditLog,
  ) {}

  /** The command as run (masked centrally by the audit log), where, env NAMES only, and how it ended. */
  private record(name: string, input: ExecInput, run: ExecRun, who: Actor): void {
    this.audit?.append({
      ...who,
      space: name,
      type: "space.exec",
      meta: {
        command: input.command,
        cwd: input.cwd ?? WORKSPACE,
        env: Object.keys(input.env ?? {}),
        exitCode: run.exitCode,
        durationMs: run.durationMs,
        timedOut: run.timedOut,
        ...(run.wake ? { wake: run.wake } : {}),
      },
    });
  }

  /**
   * Runs a command, waking the space if the engine says it sleeps. The first
   * attempt goes straight to the engine so a running space costs no extra inspect.
   */
  async run(
    name: string,
    input: ExecInput,
    sink: OutputSink,
    signal?: AbortSignal,
    onWake?: (tier: WakeTier) => void,
    who: Actor = {},
  ): Promise<ExecRun> {
    const execId = randomUUID();
    const spec = buildExecSpec(input, execId);
    if (input.asRoot) spec.user = await this.rootUserFor(name);
    const startedAt = Date.now();
    // runc reports a process it could not start (missing cwd or binary) on stdout with exit 126: catch that
    // first chunk instead of passing it off as the command's output.
    let startFailure: string | null = null;
    let sawOutput = false;
    const outer = sink;
    sink = (stream, chunk) => {
      if (!sawOutput && stream === "stdout" && chunk.toString("utf8", 0, OCI_FAILURE.length) === OCI_FAILURE) {
        startFailure = chunk.toString("utf8").trim();
        sawOutput = true;
        return;
      }
      sawOutput = true;
      return outer(stream, chunk);
    };
    const controller = new AbortController();
    if (signal?.aborted) controller.abort(signal.reason);
    const onOuterAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onOuterAbort, { once: true });
    let backstopFired = false;
    const backstop =
      input.timeoutMs !== undefined
        ? setTimeout(() => {
            backstopFired = true;
            controller.abort(new Error("exec deadline passed"));
          }, input.timeoutMs + BACKSTOP_MS)
        : undefined;
    const end = this.activity.begin(name, "exec");
    let wake: WakeTier | undefined;
    try {
      let exitCode: number;
      try {
        const onWoken = (tier: WakeTier) => {
          wake = tier;
          onWake?.(tier);
        };
        ({ exitCode } = (await this.lifecycle.withWake(name, "exec", who, () => this.exec.run(name, spec, sink, controller.signal), onWoken)).value);
      } catch (e) {
        // Past the backstop the abort is ours: the command ran too long, which is an answer, not a failure.
        if (!backstopFired) throw e;
        exitCode = TIMEOUT_EXIT_CODE;
      }
      const durationMs = Date.now() - startedAt;
      const timedOut =
        input.timeoutMs !== undefined &&
        (backstopFired || ((exitCode === TIMEOUT_EXIT_CODE || exitCode === 137) && durationMs >= input.timeoutMs - 50));
      if (timedOut) exitCode = TIMEOUT_EXIT_CODE;
      if (startFailure !== null) exitCode = await this.reportStartFailure(startFailure, input, outer);
      if (backstopFired) this.cleanup(name, execId);
      this.log.debug({ space: name, exitCode, timedOut, durationMs }, "exec finished");
      const run = { exitCode, timedOut, durationMs, wake };
      this.record(name, input, run, who);
      return run;
    } catch (e) {
      if (controller.signal.aborted) this.cleanup(name, execId);
      if (backstopFired) {
        const run = { exitCode: TIMEOUT_EXIT_CODE, timedOut: true, durationMs: Date.now() - startedAt, wake };
        this.record(name, input, run, who);
        return run;
      }
      throw e;
    } finally {
      clearTimeout(backstop);
      signal?.removeEventListener("abort", onOuterAbort);
      end();
    }
  }

  /** Root in a space is for relaxed privileges only (a template's choice, recorded as a label at create). */
  private async rootUserFor(name: string): Promise<string> {
    const record = await this.containers.inspect(name);
    if (record.labels[LABEL.privileges] !== "relaxed") {
      throw new ForbiddenError(`Space ${name} runs with strict privileges; exec as root needs a template with security.privileges: relaxed`);
    }
    return "0:0";
  }

  /** A missing cwd is the caller's mistake (400); a missing program is exit 127 as a shell reports it. */
  private async reportStartFailure(message: string, input: ExecInput, sink: OutputSink): Promise<number> {
    const kind = classifyStartFailure(message);
    if (kind === "cwd") throw new InvalidInputError(`cwd "${input.cwd ?? WORKSPACE}" does not exist in the space`, [{ path: "cwd", message: "no such directory in the space" }]);
    const program = typeof input.command === "string" ? "bash" : input.command[0];
    await sink("stderr", Buffer.from(kind === "not-found" ? `${program}: command not found\n` : `${message}\n`));
    return kind === "not-found" ? 127 : 126;
  }

  /** Best effort: the exec's processes are found by their id and killed, in the background. */
  private cleanup(name: string, execId: string): void {
    killExec(this.exec, name, execId).then(
      () => this.log.info({ space: name, execId }, "killed the processes of an abandoned exec"),
      (err) => this.log.warn({ err, space: name, execId }, "could not kill an abandoned exec"),
    );
  }
}
