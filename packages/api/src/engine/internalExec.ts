import { randomUUID } from "node:crypto";
import type { ExecOutcome, ExecPort, ExecSpec, OutputSink, TtyProcess, TtySpec } from "./ports/exec.js";

/** The only PATH the server's own execs see: folders the space's user cannot write. */
export const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** Every process an internal exec starts carries this, so a deadline can find and kill what is left. */
export const INTERNAL_ID_ENV = "CLAWDSPACE_INTERNAL_ID";

export class InternalOutputTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the space printed more than ${limit} bytes to one of our own calls; stopped reading`);
    this.name = "InternalOutputTooLarge";
  }
}

export class InternalDeadline extends Error {
  constructor(readonly ms: number) {
    super(`our own call into the space did not finish within ${ms} ms`);
    this.name = "InternalDeadline";
  }
}

export interface InternalLimits {
  /** Bytes per stream a call may hand back before it is cut; Infinity for streamed bodies (backpressure bounds them). */
  maxBytes: number;
  /** Wall time a call may take; 0 for none (a streamed body lives as long as its client). */
  deadlineMs: number;
}

/**
 * The exec port as the server's own work uses it (veto probe, history reader, observability,
 * setup, cleanup): a fixed PATH whatever the image or the space's user planted, a cap on what
 * the space may print back, and a deadline. Code in a space is an attacker; these calls must
 * neither run its programs nor let it fill our memory or hold a call forever.
 */
export class InternalExec implements ExecPort {
  constructor(
    private readonly inner: ExecPort,
    private readonly limits: InternalLimits = { maxBytes: 16 * 1024 * 1024, deadlineMs: 60_000 },
  ) {}

  /** The same port with other limits (a clone may run longer; a file download is streamed). */
  with(limits: Partial<InternalLimits>): InternalExec {
    return new InternalExec(this.inner, { ...this.limits, ...limits });
  }

  async run(name: string, spec: ExecSpec, sink: OutputSink, signal?: AbortSignal): Promise<ExecOutcome> {
    const id = randomUUID();
    const controller = new AbortController();
    const onOuter = () => controller.abort(signal?.reason);
    if (signal?.aborted) controller.abort(signal.reason);
    signal?.addEventListener("abort", onOuter, { once: true });
    const timer = this.limits.deadlineMs > 0 ? setTimeout(() => controller.abort(new InternalDeadline(this.limits.deadlineMs)), this.limits.deadlineMs) : undefined;
    const seen = { stdout: 0, stderr: 0 };
    const capped: OutputSink = (stream, chunk) => {
      if (controller.signal.aborted) return;
      seen[stream] += chunk.length;
      if (seen[stream] > this.limits.maxBytes) {
        controller.abort(new InternalOutputTooLarge(this.limits.maxBytes));
        return;
      }
      return sink(stream, chunk);
    };
    const safe: ExecSpec = { ...spec, env: { ...spec.env, PATH: SYSTEM_PATH, [INTERNAL_ID_ENV]: id } };
    try {
      return await this.inner.run(name, safe, capped, controller.signal);
    } catch (e) {
      const reason = controller.signal.reason as unknown;
      if (reason instanceof InternalOutputTooLarge || reason instanceof InternalDeadline) {
        void this.killLeftovers(name, id);
        throw reason;
      }
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onOuter);
    }
  }

  openTty(name: string, spec: TtySpec, onOutput: (chunk: Buffer) => void): Promise<TtyProcess> {
    return this.inner.openTty(name, { ...spec, env: { ...spec.env, PATH: SYSTEM_PATH } }, onOutput);
  }

  /** KILL what the cut call left running, found by its id (the killer carries it under another name). */
  private async killLeftovers(name: string, id: string): Promise<void> {
    const script = `for d in /proc/[0-9]*; do tr '\\0' '\\n' < "$d/environ" 2>/dev/null | grep -qx "${INTERNAL_ID_ENV}=$T" && kill -KILL "\${d#/proc/}" 2>/dev/null; done; exit 0`;
    await this.inner
      .run(name, { argv: ["/bin/sh", "-c", script], env: { PATH: SYSTEM_PATH, T: id }, cwd: "/" }, () => undefined, AbortSignal.timeout(10_000))
      .catch(() => undefined);
  }
}
