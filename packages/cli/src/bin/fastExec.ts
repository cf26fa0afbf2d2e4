import { request as httpRequest, type IncomingMessage } from "node:http";
import { resolveSettings, tightenedNotice } from "../config.js";
import type { ExecStreamLine } from "@clawdspace/shared/client";
import { STREAM_ENDED, execLineStep, type ExecEnd } from "../commands/execLines.js";

/** What `exec` needs when the command line is the plain shape: no option but --argv. */
export interface FastExec {
  name: string;
  command: string | string[];
}

/**
 * `exec [--argv] NAME WORD...` (or `x`) with WORD not an option, nothing else: the shape agents and scripts
 * use thousands of times. Anything else (another option, a late option, --stdin, --json) is null and
 * takes the full CLI.
 */
export function fastExecArgs(args: string[]): FastExec | null {
  if (args[0] !== "exec" && args[0] !== "x") return null;
  let i = 1;
  const argv = args[i] === "--argv";
  if (argv) i++;
  const name = args[i];
  const words = args.slice(i + 1);
  if (!name || name.startsWith("-") || words.length === 0 || words[0]!.startsWith("-")) return null;
  return { name, command: argv ? words : words.join(" ") };
}

/**
 * Runs it over node:http with the NDJSON answer printed as it comes, the way `exec` does. The bundle,
 * commander and the shared client are never loaded. Whatever is not a 200 (a refused key, a missing
 * space, a server that is down) goes to `full`, which asks again and words the error like every
 * other command: nothing ran, so asking twice is safe.
 */
export async function runFastExec(fast: FastExec, full: () => Promise<unknown>): Promise<void> {
  const settings = resolveSettings({});
  if (settings.tightened) process.stderr.write(tightenedNotice(settings.configPath));
  const body = JSON.stringify({ command: fast.command });
  const url = new URL(`/api/spaces/${encodeURIComponent(fast.name)}/exec`, settings.url);
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/x-ndjson", "content-length": String(Buffer.byteLength(body)) };
  if (settings.key) headers.authorization = `Bearer ${settings.key}`;
  const fallBack = () => void full();
  // https (and so TLS) only when asked for: loading it costs every plain-http run several milliseconds.
  const request = url.protocol === "https:" ? (await import("node:https")).request : httpRequest;
  const req = request(url, { method: "POST", headers }, (res) => {
    if (res.statusCode !== 200) {
      res.resume();
      return fallBack();
    }
    follow(res);
  });
  req.on("error", fallBack);
  req.end(body);
}

function follow(res: IncomingMessage): void {
  let buf = "";
  let done = false;
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => {
    buf += chunk;
    for (let nl = buf.indexOf("\n"); nl >= 0 && !done; nl = buf.indexOf("\n")) {
      const step = execLineStep(JSON.parse(buf.slice(0, nl)) as ExecStreamLine);
      buf = buf.slice(nl + 1);
      if ("stream" in step) (step.stream === "stderr" ? process.stderr : process.stdout).write(step.data);
      else end(step);
    }
  });
  res.on("end", () => {
    if (!done) end(STREAM_ENDED);
  });
  function end(step: ExecEnd) {
    done = true;
    if (step.message) process.stderr.write(step.message);
    // stdout and stderr writes to pipes, files and terminals are synchronous on POSIX: nothing is lost.
    process.exit(step.exitCode);
  }
}
