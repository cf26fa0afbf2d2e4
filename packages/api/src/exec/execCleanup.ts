import type { ExecPort } from "../engine/ports/exec.js";
import { SYSTEM_PATH } from "../engine/internalExec.js";

/** Every exec carries this variable; its processes (and their children) inherit it, which is how we find them again. */
export const EXEC_ID_ENV = "CLAWDSPACE_EXEC_ID";

// TERM every process whose environment holds the exec's id, then KILL what is left 2 s later.
// The killer itself carries the id under another name, so it never matches itself.
const KILL_SCRIPT = `
find_pids() {
  for d in /proc/[0-9]*; do
    if tr '\\0' '\\n' < "$d/environ" 2>/dev/null | grep -qx "${EXEC_ID_ENV}=$TARGET"; then echo "\${d#/proc/}"; fi
  done
}
pids=$(find_pids); [ -z "$pids" ] && exit 0
kill -TERM $pids 2>/dev/null
sleep 2
pids=$(find_pids); [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
exit 0
`;

/** Kills what an abandoned exec left running (the client went away, or our deadline passed). */
export async function killExec(exec: ExecPort, space: string, execId: string): Promise<void> {
  await exec.run(space, { argv: ["/bin/sh", "-c", KILL_SCRIPT], env: { TARGET: execId, PATH: SYSTEM_PATH }, cwd: "/" }, () => undefined, AbortSignal.timeout(30_000));
}

export const OCI_FAILURE = "OCI runtime exec failed";

/** What runc's refusal to start the process means for the caller. */
export function classifyStartFailure(message: string): "cwd" | "not-found" | "other" {
  if (/chdir to cwd/i.test(message)) return "cwd";
  if (/executable file not found|no such file or directory/i.test(message)) return "not-found";
  return "other";
}
