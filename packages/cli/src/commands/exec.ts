import type { ExecRequest } from "@clawdspace/shared/client";
import type { Command } from "commander";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { parseDuration, printJson, write } from "../output.js";
import { STREAM_ENDED, execLineStep, type ExecEnd } from "./execLines.js";
import { parseEnvPairs } from "./envPairs.js";

interface ExecOpts {
  argv?: boolean;
  cwd?: string;
  env?: string[];
  timeout?: string;
  stdin?: boolean;
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export function buildRequest(words: string[], opts: ExecOpts): ExecRequest {
  // As in Clawdspace's bash CLI, several words become one shell command line.
  const req: ExecRequest = { command: opts.argv ? words : words.join(" ") };
  if (opts.cwd) req.cwd = opts.cwd;
  if (opts.env?.length) req.env = parseEnvPairs(opts.env);
  if (opts.timeout !== undefined) {
    const ms = parseDuration(opts.timeout);
    if (ms === null || ms < 1) throw usageError(`--timeout "${opts.timeout}" is not a duration such as 30s, 10m or 1h`);
    req.timeoutMs = ms;
  }
  return req;
}

/**
 * Options are ours up to the space name and the command's after it (as with docker exec). A command
 * cannot start with "-", though, so exec's own options right after the name are still read as ours:
 * `clawdspace exec dev --json ls -la` works.
 */
function lateOptions(cmd: Command, words: string[], opts: ExecOpts & { json?: boolean }) {
  if (!words[0]?.startsWith("-")) return { words, opts };
  const { operands, unknown } = cmd.parseOptions(words);
  return { words: [...operands, ...unknown], opts: { ...opts, ...cmd.opts<ExecOpts & { json?: boolean }>() } };
}

export async function run(ctx: Context, [name, ...given]: string[], givenOpts: ExecOpts & { json?: boolean }, cmd: Command): Promise<void> {
  const { words, opts } = lateOptions(cmd, given, givenOpts);
  if (words.length === 0) throw usageError("missing the command to run");
  const json = ctx.json || Boolean(opts.json);
  const req = buildRequest(words, opts);
  if (opts.stdin) req.stdin = await readStdin();

  if (json) {
    const result = await ctx.client.exec(name!, req);
    printJson(result);
    process.exitCode = result.exitCode;
    return;
  }

  for await (const line of ctx.client.execStream(name!, req)) {
    const step = execLineStep(line, opts.timeout);
    if ("stream" in step) await write(step.stream === "stderr" ? ctx.err : ctx.out, step.data);
    else return end(ctx, step);
  }
  end(ctx, STREAM_ENDED);
}

function end(ctx: Context, step: ExecEnd): void {
  if (step.message) ctx.err.write(step.message);
  process.exitCode = step.exitCode;
}
