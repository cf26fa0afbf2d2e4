import type { Command, Option } from "commander";

interface CmdInfo {
  names: string[];
  description: string;
  options: Array<{ flags: string[]; takesValue: boolean; description: string }>;
  /** the first argument is a space name, so completion offers `clawdspace list -q` */
  spaceArg: boolean;
  choices: string[];
  /** a group (task, agent): its subcommands take a space name after them */
  subSpaceArg: boolean;
  files: boolean;
}

function optionInfo(o: Option) {
  return { flags: [o.short, o.long].filter((f): f is string => Boolean(f)), takesValue: o.required || o.optional, description: o.description };
}

/** Everything a completion script needs, read from the commander tree so the two never drift apart. */
export function describeTree(program: Command): { global: CmdInfo["options"]; commands: CmdInfo[] } {
  const visible = (opts: readonly Option[]) => opts.filter((o) => !o.hidden).map(optionInfo);
  return {
    global: [...visible(program.options), { flags: ["-h", "--help"], takesValue: false, description: "show help" }],
    commands: program.commands.map((c) => {
      const args = c.registeredArguments;
      // A group's words are its subcommands, then their options: `agent run dev --max-turns 3`.
      const subs = c.commands;
      const own = [...visible(c.options), ...subs.flatMap((s) => visible(s.options))];
      const options = own.filter((o, i) => own.findIndex((p) => p.flags.join() === o.flags.join()) === i);
      return {
        names: [c.name(), ...c.aliases()],
        description: c.description(),
        options: [...options, { flags: ["-h", "--help"], takesValue: false, description: "show help" }],
        spaceArg: args[0]?.name() === "name",
        choices: args[0]?.argChoices ?? subs.map((s) => s.name()),
        subSpaceArg: subs.some((s) => ["space", "name"].includes(s.registeredArguments[0]?.name() ?? "")),
        files: c.name() === "cp",
      };
    }),
  };
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(program: Command): string {
  const t = describeTree(program);
  const allNames = t.commands.flatMap((c) => c.names);
  const valueOpts = [...new Set([...t.global, ...t.commands.flatMap((c) => c.options)].filter((o) => o.takesValue).flatMap((o) => o.flags)), "--url", "--key"];
  const cases = t.commands
    .map((c) => {
      const opts = c.options.flatMap((o) => o.flags).join(" ");
      const spaces = `compgen -W "$(clawdspace list -q 2>/dev/null)" -- "$cur"`;
      const args = c.choices.length ? `compgen -W ${shq(c.choices.join(" "))} -- "$cur"` : c.spaceArg ? spaces : "";
      return `    ${c.names.join("|")})\n      opts=${shq(opts)}\n      args_cmd=${shq(args)}\n      args1_cmd=${shq(c.subSpaceArg ? spaces : "")} ;;`;
    })
    .join("\n");
  return `# clawdspace completion for bash: eval "$(clawdspace completion bash)"
_clawdspace() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmd="" npos=0 i w skip=0 opts="" args_cmd="" args1_cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case " ${valueOpts.join(" ")} " in *" $w "*) skip=1; continue ;; esac
    [[ "$w" == -* ]] && continue
    if [[ -z "$cmd" ]]; then cmd="$w"; else npos=$((npos + 1)); fi
  done
  case " ${valueOpts.join(" ")} " in *" $prev "*) return 0 ;; esac
  if [[ -z "$cmd" ]]; then
    COMPREPLY=($(compgen -W ${shq([...allNames, ...t.global.flatMap((o) => o.flags)].join(" "))} -- "$cur"))
    return 0
  fi
  case "$cmd" in
${cases}
    *) return 0 ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif ((npos == 0)) && [[ -n "$args_cmd" ]]; then
    COMPREPLY=($(eval "$args_cmd"))
  elif ((npos == 1)) && [[ -n "$args1_cmd" ]]; then
    COMPREPLY=($(eval "$args1_cmd"))
  fi
  return 0
}
complete -o default -F _clawdspace clawdspace
`;
}

function zsh(program: Command): string {
  // zsh runs the bash function through bashcompinit: one generated logic for both shells.
  return `#compdef clawdspace
# clawdspace completion for zsh: eval "$(clawdspace completion zsh)"
autoload -U +X compinit && compinit -u
autoload -U +X bashcompinit && bashcompinit
${bash(program)}`;
}

function fish(program: Command): string {
  const t = describeTree(program);
  const lines = ["# clawdspace completion for fish: clawdspace completion fish | source", "complete -c clawdspace -f"];
  const optLine = (cond: string, o: CmdInfo["options"][number]) => {
    const parts = o.flags.map((f) => (f.startsWith("--") ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`));
    return `complete -c clawdspace -n ${shq(cond)} ${parts.join(" ")}${o.takesValue ? " -r" : ""} -d ${shq(o.description)}`;
  };
  for (const o of t.global) lines.push(optLine("__fish_use_subcommand", o));
  for (const c of t.commands) {
    for (const n of c.names) lines.push(`complete -c clawdspace -n __fish_use_subcommand -a ${n} -d ${shq(c.description.slice(0, 80))}`);
    const cond = `__fish_seen_subcommand_from ${c.names.join(" ")}`;
    for (const o of c.options) lines.push(optLine(cond, o));
    if (c.choices.length) lines.push(`complete -c clawdspace -n ${shq(cond)} -a ${shq(c.choices.join(" "))}`);
    else if (c.spaceArg) lines.push(`complete -c clawdspace -n ${shq(cond)} -a '(clawdspace list -q 2>/dev/null)'`);
    if (c.files) lines.push(`complete -c clawdspace -n ${shq(cond)} -F`);
  }
  return `${lines.join("\n")}\n`;
}

export function completionScript(shell: "bash" | "zsh" | "fish", program: Command): string {
  return { bash, zsh, fish }[shell](program);
}
