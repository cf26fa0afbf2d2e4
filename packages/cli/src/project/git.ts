import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { CliError } from "../errors.js";

export interface GitOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string;
  /** Exit codes that are an answer rather than a failure (`merge-base --is-ancestor` says no with 1). */
  okCodes?: number[];
}

/** Never a prompt, a pager or colour from the git we run for the user. */
const QUIET_ENV = { GIT_TERMINAL_PROMPT: "0", GIT_PAGER: "cat", LC_ALL: "C" };

const gitEnv = (extra?: Record<string, string>) => ({ ...process.env, ...QUIET_ENV, ...extra });

/** Runs git and answers its trimmed stdout; a failure is a CliError with git's own last words. */
export function git(args: string[], opts: GitOptions): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString().slice(0, 8000)));
    child.on("error", (e) => reject(new CliError(`cannot run git: ${e.message}`, "GIT_FAILED")));
    child.on("close", (code) => {
      if (code === 0 || opts.okCodes?.includes(code ?? -1)) return resolve({ stdout: stdout.trimEnd(), code: code ?? -1 });
      const why = stderr.trim().split("\n").slice(-2).join("; ") || `exit ${code}`;
      reject(new CliError(`git ${args[0]} failed: ${why}`, "GIT_FAILED"));
    });
    // git may exit without reading its input (a failed check): that is its answer, not ours to crash on
    child.stdin?.on("error", () => undefined).end(opts.input);
  });
}

/** A git whose stdout is streamed (pack-objects); `done` settles with its exit. */
export function gitStream(args: string[], opts: GitOptions): { stdout: Readable; done: Promise<void>; child: ChildProcessByStdio<Writable, Readable, Readable> } {
  const child = spawn("git", args, { cwd: opts.cwd, env: gitEnv(opts.env), stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (b: Buffer) => (stderr += b.toString().slice(0, 8000)));
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", (e) => reject(new CliError(`cannot run git: ${e.message}`, "GIT_FAILED")));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new CliError(`git ${args[0]} failed: ${stderr.trim().split("\n").slice(-2).join("; ") || `exit ${code}`}`, "GIT_FAILED"))));
  });
  done.catch(() => undefined);
  child.stdin.on("error", () => undefined).end(opts.input ?? "");
  return { stdout: child.stdout, done, child };
}

/** The repository's top folder when `dir` is inside one, else null (a plain folder). */
export async function repoTop(dir: string): Promise<string | null> {
  const r = await git(["rev-parse", "--show-toplevel"], { cwd: dir, okCodes: [128] }).catch(() => null);
  return r && r.code === 0 ? r.stdout : null;
}
