import type { ExecStreamLine } from "@clawdspace/shared/client";
import { EXIT } from "../exitCodes.js";

/** What one line of an exec's NDJSON answer asks of us: print some output, or end with a code (and a message). */
export type ExecEnd = { exitCode: number; message?: string };
export type ExecLineStep = { stream: "stdout" | "stderr"; data: string } | ExecEnd;

/** The same for the full `exec` and the launcher's fast one, so both end, word and exit alike. */
export function execLineStep(line: ExecStreamLine, timeout?: string): ExecLineStep {
  if ("stream" in line) return line;
  if ("error" in line) return { exitCode: EXIT.FAILURE, message: `clawdspace: ${line.error} (${line.code})\n` };
  if (line.timedOut) return { exitCode: EXIT.TIMEOUT, message: `clawdspace: the command was killed at its ${timeout ? `${timeout} ` : ""}timeout (EXEC_TIMEOUT)\n` };
  return { exitCode: line.exitCode };
}

/** The stream ended without the line that carries the exit code. */
export const STREAM_ENDED: ExecEnd = { exitCode: EXIT.UNAVAILABLE, message: "clawdspace: the server ended the exec stream without an exit code (STREAM_ENDED)\n" };
