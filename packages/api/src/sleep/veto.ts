import type { ExecPort } from "../engine/ports/exec.js";

export type Veto = "veto:git" | "veto:pkg";

/**
 * Looks inside a space for work that must not be frozen: a git index lock, or a
 * package manager mid-install. It skips its own processes (the shell and its
 * children) so the words in this script never match themselves.
 */
const SCRIPT = [
  'if find /workspace -maxdepth 5 -path "*/.git/index.lock" -print -quit 2>/dev/null | grep -q .; then echo veto:git; fi',
  'ps -eo pid=,ppid=,args= 2>/dev/null | awk -v self=$$ \'$1 != self && $2 != self { $1=""; $2=""; sub(/^ +/, ""); print }\' | grep -Eq "$CLAWDSPACE_PKG_RE" && echo veto:pkg',
  "true",
].join("\n");

// apt/dpkg/pip/npm and friends, run directly or through their interpreter (node .../npm-cli.js, python -m pip).
const PKG_RE = String.raw`(^|/)(apt|apt-get|aptitude|dpkg|pip|pip3|npm|pnpm|yarn)( |$)|(^|/)(node|python3?)( [^ ]+)* [^ ]*/(npm-cli\.js|npm|pnpm|yarn|pip3?)( |$)|python3? -m pip( |$)`;

export async function checkVeto(exec: ExecPort, space: string): Promise<Veto | null> {
  let out = "";
  const { exitCode } = await exec.run(
    space,
    { argv: ["/bin/sh", "-c", SCRIPT], env: { CLAWDSPACE_PKG_RE: PKG_RE }, cwd: "/" },
    (_stream, chunk) => {
      // Two words are all we look for: what a planted program prints beyond that is not kept.
      if (out.length < 4096) out += chunk.toString("utf8");
    },
  );
  if (exitCode !== 0) return null;
  if (out.includes("veto:git")) return "veto:git";
  if (out.includes("veto:pkg")) return "veto:pkg";
  return null;
}
