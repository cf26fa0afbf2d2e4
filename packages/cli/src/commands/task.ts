import type { Task, TaskRequest } from "@clawdspace/shared";
import type { Command } from "commander";
import type { Context } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { EXIT } from "../exitCodes.js";
import { parseDuration, printJson, table, taskStateColour, write } from "../output.js";
import { parseEnvPairs } from "./envPairs.js";

interface TaskOpts {
  json?: boolean;
  name?: string;
  detach?: boolean;
  argv?: boolean;
  cwd?: string;
  env?: string[];
  timeout?: string;
  keepAwake?: boolean;
  follow?: boolean;
  state?: string;
  stream?: "stdout" | "stderr" | "both";
}

/** A task's exit code as a process's: its own, 124 after a timeout, 1 when it has none (interrupted). */
export function exitCodeOf(t: Pick<Task, "state" | "exitCode">): number {
  if (t.state === "timed-out") return EXIT.TIMEOUT;
  if (t.exitCode !== null && t.exitCode >= 0 && t.exitCode <= 255) return t.exitCode;
  return EXIT.FAILURE;
}

export function buildTaskRequest(words: string[], opts: TaskOpts): TaskRequest {
  const req: TaskRequest = { command: opts.argv ? words : words.join(" ") };
  if (opts.name) req.name = opts.name;
  if (opts.cwd) req.cwd = opts.cwd;
  if (opts.env?.length) req.env = parseEnvPairs(opts.env);
  if (opts.keepAwake === false) req.keepAwake = false;
  if (opts.timeout !== undefined) {
    const ms = parseDuration(opts.timeout);
    if (ms === null || ms < 1) throw usageError(`--timeout "${opts.timeout}" is not a duration such as 30s, 10m or 1h`);
    req.timeoutMs = ms;
  }
  return req;
}

const ago = (iso: string | null) => (iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 19) : "-");
const seconds = (ms: number | null) => (ms === null ? "-" : ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`);

const stateText = (t: Task, colour: boolean) => taskStateColour(t.state, colour);

/** Prints the output until the task ends; Ctrl-C leaves it running and says how to come back. */
async function follow(ctx: Context, space: string, id: string, stream: TaskOpts["stream"]): Promise<Task> {
  const controller = new AbortController();
  const detach = () => {
    controller.abort();
    ctx.err.write(`\nclawdspace: detached; task ${id} keeps running (clawdspace task logs -f ${space} ${id})\n`);
    process.exit(EXIT.OK);
  };
  process.once("SIGINT", detach);
  let offset = 0;
  try {
    // A dropped stream (a proxy, the server restarting) resumes from the last offset: nothing twice, nothing lost.
    for (let attempt = 0; ; attempt++) {
      try {
        for await (const line of ctx.client.tasks.follow(space, id, { offset, stream, signal: controller.signal })) {
          if ("stream" in line) {
            offset = line.offset;
            await write(line.stream === "stderr" ? ctx.err : ctx.out, line.data);
          } else if ("gap" in line) {
            offset = line.gap.to;
            ctx.err.write(`clawdspace: ${line.gap.to - line.gap.from} bytes of output were dropped by the log cap\n`);
          } else return line.task;
        }
      } catch (e) {
        if (attempt >= 30 || (e as { status?: number }).status !== undefined) throw e;
      }
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(attempt, 5))));
    }
  } finally {
    process.off("SIGINT", detach);
  }
}

function describeEnd(ctx: Context, t: Task): void {
  if (t.state === "timed-out") ctx.err.write(`clawdspace: task ${t.id} was killed at its timeout (exit 124)\n`);
  else if (t.state === "cancelled") ctx.err.write(`clawdspace: task ${t.id} was cancelled\n`);
  else if (t.state === "interrupted") ctx.err.write(`clawdspace: task ${t.id} was interrupted: ${t.reason ?? "unknown reason"}\n`);
}

export async function run(ctx: Context, args: string[], opts: TaskOpts, cmd: Command): Promise<void> {
  const json = ctx.json || Boolean(opts.json);
  const [space, ...rest] = args;
  switch (cmd.name()) {
    case "run": {
      // commander passes the "--" that separates our options from the command through with it.
      if (rest[0] === "--") rest.shift();
      if (rest.length === 0) throw usageError("missing the command to run (put it after --)");
      const task = await ctx.client.tasks.start(space!, buildTaskRequest(rest, opts));
      if (opts.detach) {
        if (json) printJson(task);
        else ctx.out.write(`${task.id}\n`);
        return;
      }
      const ended = json ? await ctx.client.tasks.wait(space!, task.id) : await follow(ctx, space!, task.id, "both");
      if (json) printJson(ended);
      else describeEnd(ctx, ended);
      process.exitCode = exitCodeOf(ended);
      return;
    }
    case "ls": {
      const state = opts.state as Task["state"] | undefined;
      const tasks = await ctx.client.tasks.list(space, state);
      if (json) return printJson({ tasks });
      const rows = tasks.map((t) => [t.id, ...(space ? [] : [t.space]), stateText(t, ctx.colour), t.exitCode === null ? "-" : String(t.exitCode), ago(t.startedAt), seconds(t.durationMs), t.name ?? (typeof t.command === "string" ? t.command : t.command.join(" ")).slice(0, 60)]);
      ctx.out.write(table(["ID", ...(space ? [] : ["SPACE"]), "STATE", "EXIT", "STARTED", "DURATION", "NAME / COMMAND"], rows, ctx.colour));
      return;
    }
    case "logs": {
      const id = rest[0]!;
      if (opts.follow) {
        if (json) {
          for await (const line of ctx.client.tasks.follow(space!, id, { stream: opts.stream })) await write(ctx.out, `${JSON.stringify(line)}\n`);
          return;
        }
        const ended = await follow(ctx, space!, id, opts.stream);
        describeEnd(ctx, ended);
        return;
      }
      // Page by page, so a large log never sits in memory whole.
      let offset = 0;
      for (;;) {
        const page = await ctx.client.tasks.logs(space!, id, { offset, stream: opts.stream });
        for (const line of page.lines) await write(json ? ctx.out : line.stream === "stderr" ? ctx.err : ctx.out, json ? `${JSON.stringify(line)}\n` : line.data);
        if (page.nextOffset <= offset || page.complete || page.lines.length === 0) return;
        offset = page.nextOffset;
      }
    }
    case "cancel": {
      const t = await ctx.client.tasks.cancel(space!, rest[0]!);
      if (json) printJson(t);
      else ctx.out.write(`${t.id} ${t.state}\n`);
      return;
    }
    case "wait": {
      const t = await ctx.client.tasks.wait(space!, rest[0]!);
      if (json) printJson(t);
      else describeEnd(ctx, t);
      process.exitCode = exitCodeOf(t);
      return;
    }
    case "show": {
      const t = await ctx.client.tasks.get(space!, rest[0]!);
      if (json) return printJson(t);
      const cmdText = typeof t.command === "string" ? t.command : JSON.stringify(t.command);
      ctx.out.write(
        [`id        ${t.id}`, `space     ${t.space}`, `name      ${t.name ?? "-"}`, `command   ${cmdText}`, `state     ${stateText(t, ctx.colour)}${t.reason ? ` (${t.reason})` : ""}`, `exit      ${t.exitCode ?? "-"}`, `started   ${ago(t.startedAt)}`, `ended     ${ago(t.endedAt)}`, `duration  ${seconds(t.durationMs)}`, `output    ${t.stdoutBytes} B stdout, ${t.stderrBytes} B stderr`, ""].join("\n"),
      );
      return;
    }
    case "rm": {
      await ctx.client.tasks.remove(space!, rest[0]!);
      if (json) printJson({ message: `Task ${rest[0]} deleted` });
      return;
    }
  }
  throw new CliError(`unknown task command ${cmd.name()}`, "USAGE", EXIT.USAGE);
}
