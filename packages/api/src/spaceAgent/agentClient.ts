import { connect, type IpcNetConnectOpts, type Socket } from "node:net";
import type { ExecOutcome, ExecSpec, OutputSink } from "../engine/ports/exec.js";
import { AgentProtocolError, FrameDecoder, MAX_CHUNK, T, encodeFrame, encodeSpawn, frameHeader, type Frame } from "./protocol.js";

/** The agent cannot take this call and nothing ran: the caller may go through docker exec instead. */
export class AgentUnavailableError extends Error {
  constructor(
    readonly reason: "absent" | "dead" | "silent" | "refused" | "unsupported" | "cwd",
    message: string,
  ) {
    super(message);
  }
}

/** The agent started the process and then broke the protocol or vanished: the outcome is unknown. */
export class AgentBrokeError extends Error {}

const ENOENT = 2;
/** Stdin held for the agent's socket before the body is paused (a few chunks, per call). */
const STDIN_BUFFER_BYTES = 512 * 1024;
const EACCES = 13;

/**
 * One process through the agent at socketPath. Until the agent says the process started, every
 * failure is AgentUnavailableError (nothing ran: falling back is safe); after, AgentBrokeError.
 */
export function runOnAgent(socketPath: string, spec: ExecSpec, sink: OutputSink, signal: AbortSignal | undefined, answerMs: number): Promise<ExecOutcome> {
  const request = encodeSpawn({
    argv: spec.argv,
    cwd: spec.cwd ?? "/",
    env: spec.env ?? {},
    stdin: spec.stdin !== undefined,
    stdinDirect: spec.stdinDirect,
    notAfterMs: Date.now() + answerMs,
  });
  if (!request) return Promise.reject(new AgentUnavailableError("unsupported", "request not expressible to the agent"));
  if (signal?.aborted) return Promise.reject(signal.reason);

  return new Promise<ExecOutcome>((resolve, reject) => {
    // A 64 KiB body chunk over the default 16 KiB mark would pause and resume the body once per chunk.
    // (net.Socket hands its Duplex options on; @types/node does not list them.)
    const sock: Socket = connect({ path: socketPath, writableHighWaterMark: STDIN_BUFFER_BYTES } as IpcNetConnectOpts);
    const decoder = new FrameDecoder();
    let started = false;
    let settled = false;
    const finish = (err: unknown, outcome?: ExecOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(answerTimer);
      signal?.removeEventListener("abort", onAbort);
      // Closing our end is also how the agent learns to kill the process group, if it still runs.
      sock.destroy();
      if (err) reject(err);
      else resolve(outcome!);
    };
    const unavailable = (reason: AgentUnavailableError["reason"], msg: string) => new AgentUnavailableError(reason, msg);
    const answerTimer = setTimeout(() => finish(unavailable("silent", `no answer within ${answerMs} ms`)), answerMs);
    const onAbort = () => finish(signal?.reason ?? new Error("aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });

    sock.once("connect", () => sock.write(request));
    sock.on("error", (e: NodeJS.ErrnoException) => {
      if (started) return finish(new AgentBrokeError(`the space's agent connection failed: ${e.message}`));
      finish(unavailable(e.code === "ENOENT" || e.code === "ECONNREFUSED" ? "dead" : "refused", `agent socket: ${e.code ?? e.message}`));
    });
    sock.on("close", () => {
      if (!started) finish(unavailable("refused", "the agent closed the connection without an answer"));
      else finish(new AgentBrokeError("the space's agent went away before the process ended"));
    });

    const onFrame = (f: Frame): boolean | void => {
      if (!started) {
        clearTimeout(answerTimer);
        if (f.type === T.started) {
          started = true;
          feedStdin(sock, spec.stdin, f.payload.length === 8 && spec.stdinDirect === true);
          return;
        }
        if (f.type === T.failed) return failedToStart(f.payload, spec, sink, finish);
        if (f.type === T.error) return finish(unavailable("refused", `agent refused: ${f.payload.toString("utf8")}`));
        return finish(new AgentBrokeError(`the space's agent sent ${f.type} before starting the process`));
      }
      if (f.type === T.stdout || f.type === T.stderr) {
        const wait = sink(f.type === T.stdout ? "stdout" : "stderr", f.payload);
        if (wait) {
          sock.pause();
          void wait.then(() => sock.resume(), () => sock.resume());
        }
        return;
      }
      if (f.type === T.exit) return finish(null, { exitCode: f.payload.readInt32BE(0) });
      finish(new AgentBrokeError(`the space's agent sent an unexpected ${f.type} frame`));
    };
    sock.on("data", (chunk: Buffer) => {
      try {
        decoder.push(chunk, (f) => {
          if (!settled) onFrame(f);
        });
      } catch (e) {
        if (!(e instanceof AgentProtocolError)) throw e;
        const msg = `the space's agent sent a bad frame: ${e.message}`;
        finish(started ? new AgentBrokeError(msg) : unavailable("refused", msg));
      }
    });
  });
}

/** stage 1 (chdir) goes back to the fallback, which words the error as the API always has; exec failures are 127/126. */
function failedToStart(p: Buffer, spec: ExecSpec, sink: OutputSink, finish: (err: unknown, o?: ExecOutcome) => void): void {
  const stage = p.readUInt32BE(0);
  const errno = p.readUInt32BE(4);
  if (stage !== 2) return finish(new AgentUnavailableError(stage === 1 ? "cwd" : "refused", `agent could not start the process (stage ${stage}, errno ${errno})`));
  const program = spec.argv[0] ?? "";
  const message = errno === ENOENT ? `${program}: command not found\n` : `${program}: ${errno === EACCES ? "permission denied" : `cannot execute (errno ${errno})`}\n`;
  void Promise.resolve(sink("stderr", Buffer.from(message))).then(
    () => finish(null, { exitCode: errno === ENOENT ? 127 : 126 }),
    (e) => finish(e),
  );
}

/**
 * Stdin with the socket's own backpressure, then its end: in frames the agent relays to a pipe, or
 * (direct) as the bare bytes the process reads itself, ended by our half-close.
 */
function feedStdin(sock: Socket, stdin: ExecSpec["stdin"], direct: boolean): void {
  if (stdin === undefined) return;
  // Header and bytes as two writes gathered into one (cork): no copy of every chunk of a 100 MB body.
  const framed = (b: Buffer) => {
    let ok = true;
    sock.cork();
    for (let off = 0; off < b.length; off += MAX_CHUNK) {
      const part = b.subarray(off, off + MAX_CHUNK);
      sock.write(frameHeader(T.stdin, part.length));
      ok = sock.write(part);
    }
    sock.uncork();
    return ok;
  };
  const send = direct ? (b: Buffer) => sock.write(b) : framed;
  const end = () => {
    if (sock.destroyed) return;
    if (direct) sock.end();
    else sock.write(encodeFrame(T.stdinEof));
  };
  if (Buffer.isBuffer(stdin)) {
    send(stdin);
    end();
    return;
  }
  stdin.on("data", (c: Buffer | string) => {
    if (!send(Buffer.isBuffer(c) ? c : Buffer.from(c)) && !sock.destroyed) {
      stdin.pause();
      sock.once("drain", () => stdin.resume());
    }
  });
  stdin.once("end", end);
  stdin.once("error", () => sock.destroy());
  sock.once("close", () => stdin.removeAllListeners("data"));
}
