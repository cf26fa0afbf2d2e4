import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { completionScript, describeTree } from "../../src/completion.js";
import { buildProgram } from "../../src/program.js";

function bash(script: string, body: string, spaces?: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "cs-comp-"));
  writeFileSync(join(dir, "c.bash"), script);
  // A stand-in `clawdspace` that knows these spaces; without one, space-name completion must stay quiet, not error.
  if (spaces) writeFileSync(join(dir, "clawdspace"), `#!/bin/sh\n[ "$1 $2" = "list -q" ] && printf '%s\\n' ${spaces.join(" ")}\n`, { mode: 0o755 });
  return spawnSync("bash", ["--norc", "-c", `source ${dir}/c.bash\n${body}`], { encoding: "utf8", env: { PATH: `${spaces ? `${dir}:` : ""}/usr/bin:/bin` } });
}

const complete = (words: string[]) =>
  `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _clawdspace; echo "\${COMPREPLY[*]}"`;

describe("completion scripts", () => {
  const program = buildProgram();

  it("cover every command and alias of the commander tree", () => {
    const names = describeTree(program).commands.flatMap((c) => c.names);
    for (const n of ["config", "list", "ls", "create", "status", "exec", "x", "stop", "start", "destroy", "system", "dashboard", "shell", "cp", "audit", "keepalive", "nodes", "task", "agent", "completion", "version"]) {
      expect(names).toContain(n);
    }
  });

  it("bash: loads, registers itself and completes commands, options and choices", () => {
    const script = completionScript("bash", program);
    const reg = bash(script, "complete -p clawdspace");
    expect(reg.status, reg.stderr).toBe(0);
    expect(reg.stdout).toMatch(/complete .*-F _clawdspace clawdspace/);

    expect(bash(script, complete(["clawdspace", "cre"])).stdout.trim()).toBe("create");
    expect(bash(script, complete(["clawdspace", "st"])).stdout.trim().split(" ").sort()).toEqual(["start", "status", "stop"]);
    expect(bash(script, complete(["clawdspace", "create", "x", "--mem"])).stdout.trim()).toBe("--memory");
    expect(bash(script, complete(["clawdspace", "completion", "z"])).stdout.trim()).toBe("zsh");
    // a value after an option that takes one is not taken for the command
    expect(bash(script, complete(["clawdspace", "--url", "http://h", "ver"])).stdout.trim()).toBe("version");
    // a group offers its subcommands, then its subcommands' options
    expect(bash(script, complete(["clawdspace", "agent", ""])).stdout.trim().split(" ").sort()).toEqual(["cancel", "ls", "run", "show"]);
    expect(bash(script, complete(["clawdspace", "agent", "run", "dev", "--max"])).stdout.trim()).toBe("--max-turns");
    expect(bash(script, complete(["clawdspace", "task", "lo"])).stdout.trim()).toBe("logs");
    expect(bash(script, complete(["clawdspace", "agent", "show", "d"]), ["dev", "demo", "prod"]).stdout.trim()).toBe("dev demo");
    const quiet = bash(script, complete(["clawdspace", "status", ""]));
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe("");
  });

  it("zsh and fish scripts are well-formed for their shells", () => {
    const zsh = completionScript("zsh", program);
    expect(zsh).toMatch(/^#compdef clawdspace/);
    expect(zsh).toContain("complete -o default -F _clawdspace clawdspace");
    const fish = completionScript("fish", program);
    expect(fish).toContain("complete -c clawdspace -n __fish_use_subcommand -a create");
    expect(fish).toContain("complete -c clawdspace -n '__fish_seen_subcommand_from create' -s m -l memory -r");
    expect(fish).toContain("complete -c clawdspace -n '__fish_seen_subcommand_from agent' -a 'run ls show cancel'");
    // fish is not installed here; bash at least parses the zsh script's bash part
    expect(spawnSync("bash", ["-n", "-c", completionScript("bash", program)]).status).toBe(0);
  });
});
