import type { ExecOutcome, ExecPort, ExecSpec, OutputSink, TtyProcess, TtySpec } from "../ports/exec.js";
import type { DockerClient } from "./client.js";
import { envList } from "./containerSpec.js";
import { StreamDemuxer } from "./demux.js";
import { translate } from "./translate.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes in spaces on a Docker engine, piped (demultiplexed) or in a TTY (raw). */
export class DockerExec implements ExecPort {
  constructor(private readonly client: DockerClient) {}

  async run(name: string, spec: ExecSpec, sink: OutputSink, signal?: AbortSignal): Promise<ExecOutcome> {
    const withStdin = spec.stdin !== undefined;
    const exec = await this.client.onContainer(name, "execCreate", (c) =>
      c.exec({
        Cmd: spec.argv,
        AttachStdout: true,
        AttachStderr: true,
        AttachStdin: withStdin,
        Tty: false,
        WorkingDir: spec.cwd,
        Env: envList(spec.env),
        User: spec.user,
      }),
    );
    const stream = await this.client.call("execStart", () => exec.start({ hijack: withStdin, stdin: withStdin }));
    if (Buffer.isBuffer(spec.stdin)) stream.end(spec.stdin);
    else if (spec.stdin) {
      const input = spec.stdin;
      input.on("error", () => stream.destroy());
      input.pipe(stream);
    }

    await new Promise<void>((resolve, reject) => {
      const demux = new StreamDemuxer((which, chunk) => {
        const wait = sink(which, chunk);
        if (wait) {
          stream.pause();
          void wait.then(() => stream.resume(), () => stream.resume());
        }
      });
      const onAbort = () => {
        stream.destroy();
        reject(signal?.reason ?? new Error("aborted"));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = (err?: Error) => {
        signal?.removeEventListener("abort", onAbort);
        if (err) reject(translate(err));
        else resolve();
      };
      stream.on("data", (c: Buffer) => demux.push(c));
      stream.once("end", () => done());
      stream.once("close", () => done());
      stream.once("error", (e: Error) => done(e));
    });

    // The stream can end a moment before the engine records the exit code.
    for (let i = 0; ; i++) {
      const info = await this.client.call("execInspect", () => exec.inspect());
      if (!info.Running || i >= 100) return { exitCode: info.ExitCode ?? -1 };
      await sleep(10);
    }
  }

  async openTty(name: string, spec: TtySpec, onOutput: (chunk: Buffer) => void): Promise<TtyProcess> {
    const exec = await this.client.onContainer(name, "execCreate", (c) =>
      c.exec({
        Cmd: spec.argv,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        WorkingDir: spec.cwd,
        Env: envList(spec.env),
        User: spec.user,
      }),
    );
    // With a TTY the stream is raw (no multiplexing header): stdout and stderr are already one.
    const stream = await this.client.call("execStart", () => exec.start({ hijack: true, stdin: true, Tty: true }));
    const resize = (cols: number, rows: number) =>
      this.client.call("execResize", () => exec.resize({ w: cols, h: rows })).then(() => undefined);
    await resize(spec.cols, spec.rows).catch(() => undefined);
    const done = new Promise<ExecOutcome>((resolve) => {
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        // A stopped space makes the inspect fail or report -1: both mean "no exit code".
        void (async () => {
          for (let i = 0; i < 50; i++) {
            const info = await this.client.call("execInspect", () => exec.inspect()).catch(() => null);
            if (!info) return resolve({ exitCode: -1 });
            if (!info.Running) return resolve({ exitCode: info.ExitCode ?? -1 });
            await sleep(20);
          }
          resolve({ exitCode: -1 });
        })();
      };
      stream.on("data", (c: Buffer) => onOutput(c));
      stream.once("end", finish);
      stream.once("close", finish);
      stream.once("error", finish);
    });
    return {
      write: (data) => {
        if (!stream.destroyed) stream.write(data);
      },
      resize,
      close: () => stream.destroy(),
      done,
    };
  }
}
