import { StringDecoder } from "node:string_decoder";
import { ExecRequestSchema, type ExecStreamLine } from "@clawdspace/shared";
import { Router, type Request, type Response } from "express";
import { jsonBody } from "../http/jsonBody.js";
import { spaceName } from "../http/params.js";
import { parse } from "../core/validate.js";
import type { OutputStream } from "../engine/ports/exec.js";
import type { ExecService } from "./execService.js";
import { OutputCollector } from "./outputCollector.js";
import { WAKE_HEADER, markWake } from "../spaces/routes.js";
import { clientGone, ndjsonAnswer } from "../http/streaming.js";
import { actorOf } from "../http/actor.js";

export function execRoutes(execs: ExecService, opts: { bodyLimit: number; maxOutputBytes: number }): Router {
  const r = Router();

  r.post("/spaces/:name/exec", ...jsonBody(opts.bodyLimit), async (req, res) => {
    const name = spaceName(req);
    const input = parse(ExecRequestSchema, req.body, "request body");
    const signal = clientGone(req, res);

    if (/application\/x-ndjson/i.test(req.get("accept") ?? "")) {
      return streamExec(name, input, req, res, execs, signal);
    }

    const cap = Math.min(input.maxOutputBytes ?? opts.maxOutputBytes, opts.maxOutputBytes);
    const out = new OutputCollector(cap);
    let run;
    try {
      run = await execs.run(name, input, out.sink, signal, undefined, actorOf(req, res));
    } catch (e) {
      // The client left: nobody to answer, and not a server error (the exec's processes are being killed).
      if (signal.aborted) return;
      throw e;
    }
    markWake(res, run.wake);
    res.json({
      stdout: out.text("stdout"),
      stderr: out.text("stderr"),
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      truncated: out.truncated,
      durationMs: run.durationMs,
      ...(run.wake ? { wake: run.wake } : {}),
      ...(run.timedOut ? { code: "EXEC_TIMEOUT" } : {}),
    });
  });

  return r;
}

/**
 * NDJSON streaming. Headers go out with the first line, so a wake that happened
 * before the command started still reaches the X-Clawdspace-Wake header, and an
 * error before any output is still a real HTTP status.
 */
async function streamExec(
  name: string,
  input: Parameters<ExecService["run"]>[1],
  req: Request,
  res: Response,
  execs: ExecService,
  signal: AbortSignal,
): Promise<void> {
  const decoders: Record<OutputStream, StringDecoder> = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  let wakeSeen: string | undefined;
  const { write, fail } = ndjsonAnswer<ExecStreamLine>(req, res, (): Record<string, string> => (wakeSeen ? { [WAKE_HEADER]: wakeSeen } : {}));
  try {
    const run = await execs.run(
      name,
      input,
      (stream, chunk) => {
        const data = decoders[stream].write(chunk);
        if (data) return write({ stream, data });
      },
      signal,
      (tier) => {
        wakeSeen = tier;
      },
      actorOf(req, res),
    );
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = decoders[stream].end();
      if (rest) await write({ stream, data: rest });
    }
    await write({ exitCode: run.exitCode, timedOut: run.timedOut, truncated: false, durationMs: run.durationMs, ...(run.wake ? { wake: run.wake } : {}) });
    res.end();
  } catch (e) {
    fail(e, signal, "exec stream");
  }
}
