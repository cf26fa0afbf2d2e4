/** The exec role of the engine port: processes in a running space, piped or in a TTY. */
export interface ExecSpec {
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Bytes to feed on stdin (a buffer, or a stream piped through with backpressure), then close it. */
  stdin?: Buffer | NodeJS.ReadableStream;
  /**
   * The program may read stdin straight off the connection where the path allows it (the space agent):
   * then it is a socket, not a pipe, and ends at the sender's half-close. For our own readers (uploads).
   */
  stdinDirect?: boolean;
  user?: string;
}

export type OutputStream = "stdout" | "stderr";

/** Receives output as it arrives; a returned promise holds the source back until it settles (backpressure). */
export type OutputSink = (stream: OutputStream, chunk: Buffer) => void | Promise<void>;

export interface ExecOutcome {
  exitCode: number;
}

/** A process in a TTY (the terminal's shell): output is raw bytes, stdout and stderr merged by the TTY. */
export interface TtySpec {
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  cols: number;
  rows: number;
  user?: string;
}

export interface TtyProcess {
  /** Bytes for the process's terminal (keystrokes). */
  write(data: Buffer): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Cuts our connection to it; the process itself is ended by whoever owns it (see killExec). */
  close(): void;
  /** Settles when the output stream ends: the process exited, or the space stopped under it. */
  readonly done: Promise<ExecOutcome>;
}

export interface ExecPort {
  /** Runs a process; ConflictError(reason "paused" | "not-running") when the space is asleep. */
  run(name: string, spec: ExecSpec, sink: OutputSink, signal?: AbortSignal): Promise<ExecOutcome>;
  /** Starts a process in a TTY; ConflictError(reason "paused" | "not-running") when the space is asleep. */
  openTty(name: string, spec: TtySpec, onOutput: (chunk: Buffer) => void): Promise<TtyProcess>;
}
