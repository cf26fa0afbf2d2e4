/**
 * Exit codes a script can branch on. They follow sysexits(3) so they rarely collide with
 * what a command run by `exec` returns (exec passes the remote code through unchanged).
 */
export const EXIT = {
  OK: 0,
  /** The server refused or failed the request (validation, conflict, engine error). */
  FAILURE: 1,
  /** A bad command line: unknown command or option, missing argument, bad value. */
  USAGE: 64,
  /** The space, path or other resource does not exist. */
  NOT_FOUND: 66,
  /** The server (or its Docker engine) cannot be reached. */
  UNAVAILABLE: 69,
  /** The key is missing or was refused. */
  AUTH: 77,
  /** exec: the command was killed at its timeout (as timeout(1) does). */
  TIMEOUT: 124,
  /** Our stdout was closed by the reader (`| head`): 128 + SIGPIPE. */
  PIPE: 141,
} as const;
