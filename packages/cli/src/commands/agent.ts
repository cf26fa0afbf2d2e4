import type { AgentEvent, AgentRun, AgentRunRequest, AgentTranscript } from "@clawdspace/shared";
import { ClawdspaceApiError } from "@clawdspace/shared/client";
import type { Command } from "commander";
import { followRun, type FollowOptions } from "../agent/follow.js";
import { formatCost, formatSeconds, runEndNotice, runExitCode, shortPrompt, TranscriptPrinter } from "../agent/transcript.js";
import type { Context } from "../context.js";
import { CliError, usageError } from "../errors.js";
import { EXIT } from "../exitCodes.js";
import { parseDuration, printable, printJson, table, taskStateColour, write } from "../output.js";
import { readStdin } from "./exec.js";

export interface AgentOpts {
  json?: boolean;
  /** `true` for a bare --resume. */
  resume?: string | boolean;
  model?: string;
  maxTurns?: string;
  timeout?: string;
  detach?: boolean;
  follow?: boolean;
}

/**
 * The space and run request from the command line. A bare `--resume` takes the next word as its
 * value (commander cannot tell), so `agent run dev --resume "go on"` gives a "session" that is
 * really the prompt: with no prompt after it, a value that is neither "last" nor a session id is
 * one. Written before the space (`agent run --resume dev "go on"`), the value is the space, which
 * shows when the lone word left is no space name and the value is one.
 */
export async function buildRunRequest(args: string[], opts: AgentOpts): Promise<{ space: string; req: AgentRunRequest }> {
  let [space, prompt] = args as [string, string | undefined];
  let resume: string | undefined;
  if (opts.resume === true) resume = "last";
  else if (typeof opts.resume === "string") {
    const value = opts.resume;
    // The contract's patterns load every schema (a fifth of a second): only a --resume value needs them.
    const { AGENT_SESSION_RE, SPACE_NAME_RE } = await import("@clawdspace/shared");
    if (value === "last" || AGENT_SESSION_RE.test(value)) resume = value;
    else if (prompt === undefined) {
      resume = "last";
      if (!SPACE_NAME_RE.test(space) && SPACE_NAME_RE.test(value)) [space, prompt] = [value, space];
      else prompt = value;
    } else throw usageError(`--resume takes "last" or a session id (a UUID from an earlier run), not "${printable(value)}"`);
  }
  if (prompt === undefined) throw usageError('missing the prompt (put it in quotes, or "-" to read it from stdin)');
  if (prompt.trim() === "") throw usageError("the prompt is empty");
  const req: AgentRunRequest = { prompt };
  if (resume) req.resume = resume;
  if (opts.model !== undefined) req.model = opts.model;
  if (opts.maxTurns !== undefined) {
    const n = Number(opts.maxTurns);
    if (!/^\d+$/.test(opts.maxTurns) || n < 1 || n > 1000) throw usageError(`--max-turns "${opts.maxTurns}" must be a whole number from 1 to 1000`);
    req.maxTurns = n;
  }
  if (opts.timeout !== undefined) {
    const ms = parseDuration(opts.timeout);
    if (ms === null || ms < 1000) throw usageError(`--timeout "${opts.timeout}" is not a duration of at least 1s, such as 30m or 2h`);
    req.timeoutMs = ms;
  }
  return { space, req };
}

/** The server names the template in API terms; a CLI user wants the command. */
function withHint(e: unknown, space: string): unknown {
  if (e instanceof ClawdspaceApiError && e.code === "AGENT_UNSUPPORTED") {
    return new CliError(`${e.message} (make one with: clawdspace create ${space}-agent -t agent)`, e.code, EXIT.FAILURE);
  }
  return e;
}

const at = (iso: string | null) => (iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 19) : "-");

const stateText = (r: AgentRun, colour: boolean) => taskStateColour(r.state, colour);

/** The run at a glance, as `task show` prints a task. */
export function runSummary(r: AgentRun, colour: boolean): string {
  const u = r.usage;
  const rows: Array<[string, string]> = [
    ["id", r.id],
    ["space", r.space],
    ["state", `${stateText(r, colour)}${r.isError ? " (Claude Code reported an error)" : ""}`],
    ["prompt", shortPrompt(r.prompt, 200)],
    ["session", r.sessionId ?? "-"],
    ["resumed", r.resume ? printable(r.resume) : "-"],
    ["model", r.model ? printable(r.model) : "-"],
    ["turns", r.numTurns === null ? "-" : String(r.numTurns)],
    ["duration", formatSeconds(r.durationMs)],
    ["cost", formatCost(r.costUsd)],
    ["tokens", u ? `${u.inputTokens} in, ${u.outputTokens} out, cache ${u.cacheCreationInputTokens} written, ${u.cacheReadInputTokens} read` : "-"],
    ["started", at(r.startedAt)],
    ["ended", at(r.endedAt)],
  ];
  if (r.error) rows.push(["error", printable(r.error)]);
  return `${rows.map(([k, v]) => `${k.padEnd(9)} ${v}`).join("\n")}\n`;
}

const reattach = (space: string, id: string) => `clawdspace agent show ${space} ${id} --follow`;

/** Follows to the end, printing as text or JSON lines; answers the exit code. */
async function follow(ctx: Context, json: boolean, space: string, id: string, o: Omit<FollowOptions, "onEvent"> & { printer?: TranscriptPrinter } = {}): Promise<number> {
  const printer = o.printer ?? new TranscriptPrinter(ctx.colour);
  const onEvent = (e: AgentEvent) => write(ctx.out, json ? `${JSON.stringify(e)}\n` : printer.format(e));
  const end = await followRun(ctx.client, space, id, { ...o, onEvent });
  if ("detached" in end) {
    ctx.err.write(`\nclawdspace: stopped following; run ${id} goes on (watch it again with: ${reattach(space, id)})\n`);
    return EXIT.OK;
  }
  if (json) await write(ctx.out, `${JSON.stringify(end.ended)}\n`);
  return ended(ctx, end.ended);
}

/** Says on stderr why a run did not succeed; answers its exit code. */
function ended(ctx: Context, run: AgentRun): number {
  const notice = runEndNotice(run);
  if (notice) ctx.err.write(`clawdspace: ${notice}\n`);
  return runExitCode(run);
}

/** A transcript page by page from the start, so a long one never sits in memory whole. */
async function* pages(ctx: Context, space: string, id: string) {
  let offset = 0;
  for (;;) {
    const page = await ctx.client.agent.get(space, id, { offset });
    yield page;
    if (page.complete || page.events.length === 0 || page.nextOffset <= offset) return;
    offset = page.nextOffset;
  }
}

/** The command's work; answers the exit code, so tests can drive it without touching process.exitCode. */
export async function agentCommand(ctx: Context, name: string, args: string[], opts: AgentOpts, extra: Pick<FollowOptions, "interrupt"> = {}): Promise<number> {
  const json = ctx.json || Boolean(opts.json);
  const [space, second] = args as [string, string | undefined];
  switch (name) {
    case "run": {
      const { space: target, req } = await buildRunRequest(args, opts);
      if (req.prompt === "-") req.prompt = await readStdin();
      if (req.prompt.trim() === "") throw usageError("the prompt read from stdin is empty");
      const run = await ctx.client.agent.run(target, req).catch((e: unknown) => Promise.reject(withHint(e, target)));
      if (opts.detach) {
        if (json) printJson(run, ctx.out);
        else {
          ctx.out.write(`${run.id}\n`);
          if (run.sessionId) ctx.err.write(`session ${run.sessionId}\n`);
        }
        return EXIT.OK;
      }
      return follow(ctx, json, target, run.id, extra);
    }
    case "ls": {
      const runs = await ctx.client.agent.list(space);
      if (json) {
        printJson({ runs }, ctx.out);
        return EXIT.OK;
      }
      const rows = runs.map((r) => [r.id, stateText(r, ctx.colour), at(r.startedAt ?? r.createdAt), r.numTurns === null ? "-" : String(r.numTurns), formatCost(r.costUsd), r.sessionId ?? "-", shortPrompt(r.prompt)]);
      ctx.out.write(table(["ID", "STATE", "STARTED", "TURNS", "COST", "SESSION", "PROMPT"], rows, ctx.colour));
      return EXIT.OK;
    }
    case "show": {
      const id = second!;
      if (json && opts.follow) return follow(ctx, true, space, id, extra);
      const events: AgentEvent[] = [];
      const printer = new TranscriptPrinter(ctx.colour);
      let last: AgentTranscript | undefined;
      for await (const page of pages(ctx, space, id)) {
        // The summary first: it is what the person asked about, the conversation follows.
        if (!last && !json) await write(ctx.out, `${runSummary(page.run, ctx.colour)}\n`);
        if (json) events.push(...page.events);
        else for (const e of page.events) await write(ctx.out, printer.format(e));
        last = page;
      }
      if (json) {
        printJson({ ...last!, events }, ctx.out);
        return EXIT.OK;
      }
      // Following is watching the run to its end, so it answers as `agent run` would.
      if (last!.complete) {
        if (!opts.follow) return EXIT.OK;
        return ended(ctx, last!.run);
      }
      if (!opts.follow) {
        ctx.err.write(`clawdspace: run ${id} is still running (follow it with: ${reattach(space, id)})\n`);
        return EXIT.OK;
      }
      return follow(ctx, false, space, id, { ...extra, offset: last!.nextOffset, printer });
    }
    case "cancel": {
      const r = await ctx.client.agent.cancel(space, second!);
      if (json) printJson(r, ctx.out);
      else ctx.out.write(`${r.id} ${r.state}\n`);
      return EXIT.OK;
    }
  }
  throw new CliError(`unknown agent command ${name}`, "USAGE", EXIT.USAGE);
}

export async function run(ctx: Context, args: string[], opts: AgentOpts, cmd: Command): Promise<void> {
  const code = await agentCommand(ctx, cmd.name(), args, opts);
  if (code !== EXIT.OK) process.exitCode = code;
}
