import type { Readable } from "node:stream";
import type { ProjectImportAnswer, WakeTier } from "@clawdspace/shared";
import { InvalidInputError, NotFoundError, StateConflictError, TooLargeError } from "../core/errors.js";
import { KeyedLock } from "../core/keyedLock.js";
import type { Actor } from "../core/actor.js";
import type { ExecPort } from "../engine/ports/exec.js";
import type { ByteSink } from "../engine/ports/files.js";
import { RuntimeError } from "../engine/errors.js";
import { WORKSPACE } from "../engine/naming.js";
import { SPACE_USER } from "../engine/naming.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { ActivityTracker } from "../sleep/activity.js";
import type { OnWake, SpaceLifecycle } from "../spaces/lifecycle.js";
import type { FileService } from "../files/fileService.js";
import { byteLimit, importTargets, readBundleHeader } from "./bundleIntake.js";
import { GIT_ENV, GIT_EXIT, projectArgv, type ProjectScript } from "./gitScripts.js";

export interface ProjectExecs {
  /** Short steps (prepare, checkout): a deadline, a small output cap. */
  steps: ExecPort;
  /** The pack upload: as long as its client sends (a backstop deadline only). */
  receive: ExecPort;
  /** Streamed answers (diff, bundle): no output cap (backpressure bounds them), a deadline. */
  stream: ExecPort;
}

export interface ProjectOptions {
  /** Largest bundle or folder tar (bytes). */
  maxBytes: number;
}

/** Stderr kept for an error message, bounded. */
function stderrTail() {
  let text = "";
  return {
    push: (c: Buffer) => void (text.length < 4000 && (text += c.toString("utf8"))),
    get message() {
      return text.trim().split("\n").slice(-3).join("; ").slice(0, 500);
    },
  };
}

/**
 * Projects: a repository (git bundle) or a plain folder (tar) into /workspace, and the space's
 * work back out as text (diff) or as a bundle (commits since the base, plus the uncommitted
 * work as one commit). Git runs in the space as its user, with a fixed PATH and environment.
 */
export class ProjectService {
  private readonly imports = new KeyedLock();

  constructor(
    private readonly execs: ProjectExecs,
    private readonly lifecycle: SpaceLifecycle,
    private readonly activity: ActivityTracker,
    private readonly audit: AuditLog,
    private readonly files: FileService,
    private readonly opts: ProjectOptions,
  ) {}

  private async git(port: ExecPort, name: string, script: ProjectScript, args: string[], io: { stdin?: NodeJS.ReadableStream; stdout?: ByteSink; signal?: AbortSignal } = {}) {
    const err = stderrTail();
    const { exitCode } = await port.run(
      name,
      { argv: projectArgv(script, args), cwd: WORKSPACE, user: SPACE_USER, env: GIT_ENV, stdin: io.stdin },
      (stream, chunk) => (stream === "stderr" ? err.push(chunk) : io.stdout?.(chunk)),
      io.signal,
    );
    if (exitCode === 0) return;
    const why = err.message;
    switch (exitCode) {
      case GIT_EXIT.conflict:
        throw new StateConflictError("PROJECT_CONFLICT", `Cannot import into ${name}: ${why}; import into a new space`);
      case GIT_EXIT.noProject:
        throw new NotFoundError(`No project in ${name}: ${why}`);
      case GIT_EXIT.badPack:
      case GIT_EXIT.missingCommit:
      case GIT_EXIT.badBranch:
      case GIT_EXIT.badTree:
        throw new InvalidInputError(`Invalid bundle: ${why}`, [{ path: exitCode === GIT_EXIT.badBranch ? "branch" : "body", message: why }]);
      default:
        throw new RuntimeError(`git in ${name} failed (exit ${exitCode}): ${why || "no message"}`);
    }
  }

  private async awake<T>(name: string, who: Actor, fn: () => Promise<T>, onWake?: OnWake): Promise<{ value: T; wake?: WakeTier }> {
    const r = await this.lifecycle.withWake(name, "project", who, fn, onWake);
    this.activity.record(name, "project");
    return r;
  }

  /** A git bundle streamed in: checked out on `branch` with the staged and working states it carries. */
  async importBundle(name: string, body: Readable, branch: string | undefined, who: Actor, opts: { signal?: AbortSignal; onWake?: OnWake } = {}) {
    const header = await readBundleHeader(body);
    const targets = importTargets(header);
    const onto = branch ?? `space/${name}`;
    return this.imports.run(name, async () => {
      const { wake } = await this.awake(name, who, () => this.git(this.execs.steps, name, "prepare", [header.objectFormat]), opts.onWake);
      try {
        return { value: await this.receiveAndCheckout(name, body, onto, targets, who, opts.signal), wake };
      } catch (e) {
        await this.git(this.execs.steps, name, "discard", []).catch(() => undefined);
        throw e;
      }
    }).then(({ value, wake }) => (wake ? { ...value, wake } : value));
  }

  private async receiveAndCheckout(name: string, body: Readable, onto: string, targets: ReturnType<typeof importTargets>, who: Actor, signal?: AbortSignal): Promise<ProjectImportAnswer> {
    const counted = byteLimit(this.opts.maxBytes);
    const pack = body.pipe(counted);
    body.on("error", (e) => counted.destroy(e));
    let limitErr: unknown;
    counted.on("error", (e) => (limitErr = e));
    try {
      await this.git(this.execs.receive, name, "receive", [String(this.opts.maxBytes)], { stdin: pack, signal });
    } catch (e) {
      throw limitErr instanceof TooLargeError ? limitErr : e;
    }
    if (limitErr) throw limitErr;
    await this.git(this.execs.steps, name, "checkout", [onto, targets.base, targets.index, targets.worktree]);
    const project = { kind: "git" as const, branch: onto, ...targets, bytes: counted.bytes() };
    this.audit.append({ ...who, space: name, type: "space.project.import", meta: project });
    return { message: `Checked out ${targets.base.slice(0, 12)} on ${onto} in /workspace`, project };
  }

  /** A plain folder's tar streamed in, unpacked into /workspace by the files service (sanitised entry by entry). */
  async importFolder(name: string, tar: NodeJS.ReadableStream, who: Actor, opts: { signal?: AbortSignal; onWake?: OnWake } = {}) {
    const r = await this.imports.run(name, () => this.files.upload(name, "/", tar, who, opts));
    const project = { kind: "folder" as const, bytes: r.bytes, entries: r.entries, skipped: r.skipped.length };
    this.audit.append({ ...who, space: name, type: "space.project.import", meta: project });
    const answer: ProjectImportAnswer = { message: r.message, project, ...(r.wake ? { wake: r.wake } : {}) };
    return answer;
  }

  async diff(name: string, stat: boolean, sink: ByteSink, who: Actor, opts: { signal?: AbortSignal; onWake?: OnWake } = {}) {
    return this.awake(name, who, () => this.git(this.execs.stream, name, "diff", [stat ? "stat" : "patch"], { stdout: sink, signal: opts.signal }), opts.onWake);
  }

  async bundle(name: string, sink: ByteSink, who: Actor, opts: { signal?: AbortSignal; onWake?: OnWake } = {}) {
    const r = await this.awake(name, who, () => this.git(this.execs.stream, name, "bundle", [name], { stdout: sink, signal: opts.signal }), opts.onWake);
    this.audit.append({ ...who, space: name, type: "space.project.export", meta: {} });
    return r;
  }
}

