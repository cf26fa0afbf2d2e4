import type { ExecOutcome, ExecPort, ExecSpec, OutputSink, TtyProcess, TtySpec } from "../../../src/engine/ports/exec.js";
import type { FakeTty, FakeWorld } from "./world.js";

/** Processes answered by the world's execHandler; TTYs that echo and end on "exit". */
export class FakeExec implements ExecPort {
  constructor(private readonly world: FakeWorld) {}

  async run(name: string, spec: ExecSpec, sink: OutputSink, signal?: AbortSignal): Promise<ExecOutcome> {
    this.world.enter("execCreate");
    this.world.running(name);
    this.world.execLog.push({ space: name, spec });
    const result = await this.world.execHandler(name, spec);
    if (result.delayMs) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, result.delayMs);
        signal?.addEventListener("abort", () => {
          clearTimeout(t);
          reject(signal.reason ?? new Error("aborted"));
        });
      });
    }
    if (result.stdout !== undefined) await sink("stdout", Buffer.from(result.stdout));
    if (result.stderr !== undefined) await sink("stderr", Buffer.from(result.stderr));
    return { exitCode: result.exitCode ?? 0 };
  }

  async openTty(name: string, spec: TtySpec, onOutput: (chunk: Buffer) => void): Promise<TtyProcess> {
    this.world.enter("execCreate");
    this.world.running(name);
    let finish!: (o: ExecOutcome) => void;
    const done = new Promise<ExecOutcome>((r) => (finish = r));
    let line = "";
    const tty: FakeTty = {
      space: name,
      spec,
      input: [],
      size: { cols: spec.cols, rows: spec.rows },
      closed: false,
      emit: (data) => {
        if (!tty.closed) onOutput(Buffer.from(data));
      },
      exit: (code) => {
        if (tty.closed) return;
        tty.closed = true;
        finish({ exitCode: code });
      },
    };
    this.world.ttys.push(tty);
    return {
      write: (data) => {
        if (tty.closed) return;
        tty.input.push(data);
        tty.emit(data);
        line += data.toString("utf8");
        const cr = line.lastIndexOf("\r");
        if (cr >= 0) {
          if (line.slice(0, cr).split("\r").pop()!.trim() === "exit") tty.exit(0);
          line = line.slice(cr + 1);
        }
      },
      resize: async (cols, rows) => {
        tty.size = { cols, rows };
      },
      close: () => tty.exit(-1),
      done,
    };
  }
}
