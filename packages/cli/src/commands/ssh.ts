import { spawn } from "node:child_process";
import type { Context } from "../context.js";
import { CliError } from "../errors.js";
import { EXIT } from "../exitCodes.js";
import { prepareSsh } from "../ssh/prepare.js";

interface SshOpts {
  identity?: string;
  multiplex?: boolean;
}

/** Runs the real ssh into the space, with the CLI as its ProxyCommand; its exit code is ssh's (the remote command's). */
export async function run(ctx: Context, [name, ...words]: string[], opts: SshOpts): Promise<void> {
  // Commander keeps the `--` that passThroughOptions stopped at; it is ours, not the command's.
  const command = words[0] === "--" ? words.slice(1) : words;
  const target = await prepareSsh(ctx, name!, opts);
  const args = target.options.flatMap(([k, v]) => ["-o", `${k}=${v}`]);
  if (command.length === 0 && process.stdin.isTTY) args.push("-t");
  args.push("--", target.alias, ...command);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn("ssh", args, { stdio: "inherit" });
    child.once("error", (e) => reject(new CliError(`could not run ssh (${e.message}); install OpenSSH's client`, "SSH_MISSING", EXIT.UNAVAILABLE)));
    child.once("exit", (c, signal) => resolve(c ?? (signal ? 128 + 1 : 1)));
  });
  process.exitCode = code;
}
