import { Argument, Command, Option } from "commander";
import { toCliError } from "./errors.js";
import { createContext, type Context, type GlobalOptions } from "./context.js";
import { VERSION } from "./version.js";

// `opts: never` lets each command declare the options it reads; commander fills them from the declarations below.
type Handler = (ctx: Context, args: string[], opts: never, cmd: Command) => Promise<void>;

/**
 * Each command's code is imported only when that command runs, so `clawdspace list`
 * does not pay for the terminal, tar or completion code.
 */
function lazy(load: () => Promise<{ run: Handler }>) {
  return async (...received: unknown[]) => {
    const cmd = received[received.length - 1] as Command;
    const opts = cmd.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
    const args = (received.slice(0, -2) as Array<string | string[] | undefined>).flatMap((a) => (a === undefined ? [] : a));
    const { run } = await load();
    const ctx = createContext(opts);
    try {
      await run(ctx, args, opts as never, cmd);
    } catch (e) {
      // Named here because only here is the server URL known: "cannot reach http://...".
      throw toCliError(e, ctx.settings.url);
    }
  };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** --json, --url and --key on every command, so they may come before or after the command name. */
function common(cmd: Command, json = true): Command {
  if (json) cmd.option("--json", "print the server's answer as JSON");
  return cmd
    .addOption(new Option("--url <url>", "server URL (default: CLAWDSPACE_URL, then ~/.clawdspace)").hideHelp())
    .addOption(new Option("--key <key>", "API key (default: CLAWDSPACE_KEY, then ~/.clawdspace)").hideHelp());
}

export function buildProgram(): Command {
  const program = new Command("clawdspace")
    .description("Drive Clawdspace spaces (sandboxed containers with a persistent /workspace) from your shell.")
    .version(VERSION, "-V, --version", "print the CLI version")
    .option("--json", "print the server's answer as JSON")
    .option("--url <url>", "server URL (default: CLAWDSPACE_URL, then ~/.clawdspace)")
    .option("--key <key>", "API key (default: CLAWDSPACE_KEY, then ~/.clawdspace); prefer the environment, argv is visible to other users")
    .enablePositionalOptions()
    .showSuggestionAfterError()
    // Set before the subcommands are added, so they inherit it: usage errors are thrown to bin/, which
    // prints them in the one-line format every other error uses.
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 refused by the server, 64 usage, 66 not found, 69 server unreachable, 77 key refused;\nexec exits with the command's own code (124 on timeout). Docs: docs/CLI.md",
    );

  common(program.command("config"), true)
    .description("save the server URL and key to ~/.clawdspace (mode 0600); without arguments, show the settings in effect")
    .argument("[url]", "server URL, e.g. http://localhost:7777")
    .argument("[key]", 'API key; "-" or omitted with a URL reads it from stdin')
    .option("--no-check", "save without asking the server whether the key works")
    .action(lazy(() => import("./commands/config.js")));

  common(program.command("list"))
    .alias("ls")
    .description("list spaces")
    .option("-q, --quiet", "print names only")
    .action(lazy(() => import("./commands/list.js")));

  common(program.command("create"))
    .description("create a space and start it")
    .argument("<name>", "space name: letters, digits, '_' and '-'")
    .option("-m, --memory <size>", 'memory limit, e.g. "512m", "2g"')
    .option("-c, --cpus <n>", "CPU limit, e.g. 1 or 0.5")
    .option("-t, --template <name>", "template to start from (default, offline, gpu, ...)")
    .option("-i, --image <image>", "image (must exist on the node; nothing is pulled)")
    .option("-e, --env <K=V>", "environment variable (repeatable)", collect)
    .option("--gpu", "request a GPU")
    .option("--from [dir]", "start from a folder (default .): a git repository's branch and working state, or a plain folder's files")
    .option("--exclude <pattern>", "with --from of a plain folder: leave out what matches, as .gitignore reads it (repeatable)", collect)
    .option("-q, --quiet", "with --from: no progress")
    .option("-n, --node <name>", "the node to make it on (clawdspace nodes); default: the one with most headroom")
    .action(lazy(() => import("./commands/create.js")));

  common(program.command("diff"))
    .description("print what a space made from a repository changed since: its commits, then its uncommitted work")
    .argument("<name>")
    .option("--stat", "only the files changed and how much")
    .action(lazy(() => import("./commands/diff.js")));

  common(program.command("pull"))
    .description("bring a space's work into this repository as branch space/NAME (its commits, plus its uncommitted work as one more), never touching the current branch, index or working tree")
    .argument("<name>")
    .option("-b, --branch <branch>", "the branch to write (default space/NAME)")
    .option("-f, --force", "move the branch even when it has diverged")
    .option("-C, --repo <dir>", "the repository (default: the one around the current folder)")
    .option("-q, --quiet", "no progress")
    .action(lazy(() => import("./commands/pull.js")));

  common(program.command("status"))
    .description("show a space: state, limits, activity and live usage")
    .argument("<name>")
    .action(lazy(() => import("./commands/status.js")));

  common(program.command("exec"))
    .alias("x")
    .description("run a command in a space; its stdout and stderr stream to yours and its exit code becomes ours")
    .argument("<name>")
    .argument("<command...>", "the command; several words are joined and run by bash -lc, unless --argv")
    .option("--argv", "run the words as an argv array, without a shell")
    .option("-w, --cwd <dir>", "working directory (absolute, default /workspace)")
    .option("-e, --env <K=V>", "environment variable (repeatable)", collect)
    .option("-T, --timeout <duration>", 'kill the command after this long, e.g. "30s", "10m" (exit code 124)')
    .option("-i, --stdin", "send our standard input to the command")
    .passThroughOptions()
    .action(lazy(() => import("./commands/exec.js")));

  for (const [name, what] of [
    ["stop", "pause a space (processes freeze, memory is kept)"],
    ["start", "resume a paused space or start a stopped one"],
  ] as const) {
    common(program.command(name))
      .description(what)
      .argument("<name>")
      .action(lazy(() => import("./commands/lifecycle.js")));
  }

  common(program.command("destroy"))
    .alias("rm")
    .description("remove a space's container (its volume stays unless --volume)")
    .argument("<name>")
    .option("-f, --force", "do not ask for confirmation")
    .option("--volume", "also delete the /workspace volume and everything in it")
    .action(lazy(() => import("./commands/destroy.js")));

  common(program.command("system"))
    .description("show the host: CPU, memory, disk, Docker and GPU")
    .action(lazy(() => import("./commands/system.js")));

  common(program.command("dashboard"), false)
    .description("print the dashboard's URL and open it in a browser where there is one (sign in there; the key is never put in the URL)")
    .option("--no-open", "only print the URL")
    .action(lazy(() => import("./commands/dashboard.js")));

  common(program.command("keepalive"))
    .description("keep a space awake (no auto-sleep) for a while")
    .argument("<name>")
    .option("--for <duration>", 'how long, e.g. "30m", "1h", "2d"', "1h")
    .option("--release", "end an earlier keepalive now")
    .action(lazy(() => import("./commands/keepalive.js")));

  common(program.command("nodes"))
    .description("list the nodes of this Clawdspace: health, latency, capacity, spaces")
    .action(lazy(() => import("./commands/nodes.js")));

  common(program.command("shell"), false)
    .description("open an interactive terminal in a space; detach with Ctrl-] and reattach with --session")
    .argument("<name>")
    .option("-s, --session <id>", "reattach to a session (replays only what you missed)")
    .option("--detach-keys <key>", 'key that detaches, e.g. "ctrl-]", "ctrl-q"', "ctrl-]")
    .option("--view", "watch without typing")
    .action(lazy(() => import("./commands/shell.js")));

  common(program.command("ssh"), false)
    .description("ssh into a space as its user (your key is installed, its host key trusted); -- CMD runs a command")
    .argument("<name>")
    .argument("[command...]", "a command to run instead of a login shell (after --)")
    .option("-i, --identity <file>", "private key to use (default: the CLI's own, made on first use)")
    .option("-M, --multiplex", "share one tunnel between ssh calls (ControlMaster)")
    .passThroughOptions()
    .action(lazy(() => import("./commands/ssh.js")));

  common(program.command("ssh-proxy"), false)
    .description("carry stdin/stdout to a space's sshd (OpenSSH's ProxyCommand; ssh-config writes it for you)")
    .argument("<name>")
    .action(lazy(() => import("./commands/sshProxy.js")));

  common(program.command("ssh-config"))
    .description("write a marked `Host clawdspace-NAME` block into ~/.ssh/config (idempotent): ssh, scp, sftp, rsync, Remote-SSH")
    .argument("<name>")
    .option("-i, --identity <file>", "private key to use (default: the CLI's own, made on first use)")
    .option("-M, --multiplex", "share one tunnel between ssh calls (ControlMaster)")
    .action(lazy(() => import("./commands/sshConfig.js")));

  common(program.command("forward"), false)
    .alias("port-forward")
    .description("forward a local TCP port to a port inside a space: forward NAME 8080 or 8080:3000; one tunnel per connection")
    .argument("<name>")
    .argument("<ports>", "LOCAL[:REMOTE]; LOCAL 0 picks a free port")
    .option("--address <ip>", "local address to listen on", "127.0.0.1")
    .action(lazy(() => import("./commands/forward.js")));

  common(program.command("cp"), false)
    .description("copy files or folders between here and a space: cp ./dir NAME:/path, cp NAME:/path ./dir")
    .argument("<source>")
    .argument("<destination>")
    .option("-q, --quiet", "no progress")
    .action(lazy(() => import("./commands/cp.js")));

  const task = program.command("task").description("background tasks: run a command that outlives this shell, then follow, wait for or cancel it");
  const taskCmd = (name: string, what: string) => common(task.command(name)).description(what).argument("<space>");
  taskCmd("run", "start a task and follow its output; exits with the task's exit code (Ctrl-C detaches, the task goes on)")
    .argument("<command...>", "the command, after --; several words run through bash -lc unless --argv")
    .option("-n, --name <name>", "a name to find it by")
    .option("-d, --detach", "print the task id and return at once")
    .option("--argv", "run the words as an argv array, without a shell")
    .option("-w, --cwd <dir>", "working directory (absolute, default /workspace)")
    .option("-e, --env <K=V>", "environment variable (repeatable)", collect)
    .option("-T, --timeout <duration>", 'kill it after this long, e.g. "30m" (state timed-out, exit 124)')
    .option("--no-keep-awake", "let the space sleep on schedule while it runs (it freezes while asleep)")
    .passThroughOptions()
    .action(lazy(() => import("./commands/task.js")));
  common(task.command("ls"))
    .description("list tasks, of one space or of all")
    .argument("[space]")
    .option("-s, --state <state>", "only tasks in this state (running, succeeded, failed, cancelled, timed-out, interrupted)")
    .action(lazy(() => import("./commands/task.js")));
  taskCmd("logs", "print a task's output (stdout to stdout, stderr to stderr)")
    .argument("<id>")
    .option("-f, --follow", "keep printing until the task ends")
    .addOption(new Option("--stream <stream>", "only this stream").choices(["stdout", "stderr", "both"]).default("both"))
    .action(lazy(() => import("./commands/task.js")));
  taskCmd("show", "show a task: state, exit code, times, output sizes").argument("<id>").action(lazy(() => import("./commands/task.js")));
  taskCmd("cancel", "cancel a running task (TERM, then KILL after the grace period)").argument("<id>").action(lazy(() => import("./commands/task.js")));
  taskCmd("wait", "wait until a task ends; exits with its exit code").argument("<id>").action(lazy(() => import("./commands/task.js")));
  taskCmd("rm", "forget a finished task and delete its logs").argument("<id>").action(lazy(() => import("./commands/task.js")));

  const agent = program.command("agent").description("Claude Code in a space: run it on a prompt, follow its transcript, resume its conversation");
  const agentCmd = (name: string, what: string) => common(agent.command(name)).description(what).argument("<space>");
  agentCmd("run", "start Claude Code on a prompt and follow the conversation; exits 1 when the run fails (Ctrl-C stops following, the run goes on)")
    .argument("[prompt]", 'what to do; "-" reads it from stdin')
    .option("-r, --resume [session]", 'go on with a conversation: the space\'s last one, or this session id (default "last")')
    .option("-m, --model <model>", 'model name or alias, e.g. "sonnet"')
    .option("--max-turns <n>", "stop after this many turns (the run then fails)")
    .option("-T, --timeout <duration>", 'stop it after this long, e.g. "30m" (state timed-out, exit 124)')
    .option("-d, --detach", "print the run id and return at once")
    .action(lazy(() => import("./commands/agent.js")));
  common(agent.command("ls")).description("list a space's runs, newest first").argument("<space>").action(lazy(() => import("./commands/agent.js")));
  agentCmd("show", "show a run: its summary and the conversation")
    .argument("<run>")
    .option("-f, --follow", "keep printing until the run ends; exits as agent run does")
    .action(lazy(() => import("./commands/agent.js")));
  agentCmd("cancel", "stop a run and every process its tools started").argument("<run>").action(lazy(() => import("./commands/agent.js")));

  common(program.command("audit"))
    .description("show the audit log (oldest first)")
    .option("-s, --space <name>", "only this space")
    .option("-t, --type <type>", "only this event type, e.g. space.exec")
    .option("-n, --limit <n>", "how many of the newest events", "50")
    .option("-f, --follow", "keep printing new events as they happen")
    .action(lazy(() => import("./commands/audit.js")));

  program
    .command("completion")
    .description("print a completion script: eval \"$(clawdspace completion bash)\"")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .action(async (shell: string) => {
      const { completionScript } = await import("./completion.js");
      process.stdout.write(completionScript(shell as "bash" | "zsh" | "fish", buildProgram()));
    });

  common(program.command("version"))
    .description("print the CLI's version and the server's")
    .action(lazy(() => import("./commands/version.js")));

  return program;
}
