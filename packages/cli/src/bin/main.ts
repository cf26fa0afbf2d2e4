import { CommanderError } from "commander";
import { toCliError } from "../errors.js";
import { EXIT } from "../exitCodes.js";
import { buildProgram } from "../program.js";

// `clawdspace list | head -1`: the reader went away; stop quietly as other tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(EXIT.PIPE);
    throw e;
  });
}

const program = buildProgram();

try {
  await program.parseAsync(process.argv);
  // Done: leave now rather than wait for idle keep-alive sockets and timers to wind down.
  // (stdout and stderr writes to pipes, files and terminals are synchronous on POSIX.)
  process.exit();
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version") process.exit(0);
    if (e.code === "commander.help" || e.code === "commander.executeSubCommandAsync") process.exit(EXIT.USAGE);
    process.stderr.write(`clawdspace: ${e.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ")} (USAGE)\n`);
    process.exit(EXIT.USAGE);
  }
  const err = toCliError(e);
  process.stderr.write(`clawdspace: ${err.message} (${err.code})\n`);
  process.exitCode = err.exitCode;
}


