import { FileNotFoundError, FileTypeError, PathOutsideError, RuntimeError } from "../errors.js";
import { SPACE_USER, WORKSPACE } from "../naming.js";
import type { ExecPort, ExecSpec } from "../ports/exec.js";
import type { ByteSink, FileStat, FileType, FilesPort } from "../ports/files.js";


/**
 * Exit codes our scripts use to say what went wrong (well clear of the 1/2/126/127 that
 * tools use), so a failure maps to a typed error without parsing messages.
 */
const EXIT = { outside: 90, missing: 91, notDir: 92, isDir: 93, conflict: 94, short: 95 } as const;

/**
 * Shell helpers shared by every script. Paths arrive as positional arguments, never inside
 * the script text, so no name can inject a command. `realpath -m` resolves symlinks inside
 * the space (the volume's content is the space's to shape) and the check that follows runs
 * in the same process that then acts, as the space's user: a symlink swapped in between can
 * only lead where that user may write anyway.
 */
const PRELUDE = `set -u
ws=${WORKSPACE}
fail() { code=$1; shift; printf '%s\\n' "$*" >&2; exit "$code"; }
inside() { case "$1" in "$ws"|"$ws"/*) return 0;; *) return 1;; esac; }
full() { r=$(realpath -m -- "$1") || fail ${EXIT.missing} "$1"; inside "$r" || fail ${EXIT.outside} "$1"; }
# the last component itself is not followed: deleting or renaming a link acts on the link
parent() { d=$(realpath -m -- "$(dirname -- "$1")") || fail ${EXIT.missing} "$1"; inside "$d" || fail ${EXIT.outside} "$1"; r="$d/$(basename -- "$1")"; [ "$r" = "$ws/" ] && r=$ws; true; }
exists() { [ -e "$1" ] || [ -L "$1" ]; }
`;

const SCRIPTS = {
  list: `full "$1"; exists "$r" || fail ${EXIT.missing} "$1"; [ -d "$r" ] || fail ${EXIT.notDir} "$1"
cd "$r" && exec find . -mindepth 1 -maxdepth 1 -printf '%y\\t%s\\t%T@\\t%m\\t%l\\t%f\\0'`,
  // first line: the full size; then the bytes (at most $2 of them when $2 is not "-")
  read: `full "$1"; exists "$r" || fail ${EXIT.missing} "$1"; [ -d "$r" ] && fail ${EXIT.isDir} "$1"
[ -r "$r" ] || fail ${EXIT.missing} "$1"
[ -f "$r" ] || fail ${EXIT.conflict} "$1 is not a regular file"
stat -L -c '%s' -- "$r" || exit 1
if [ "$2" = "-" ]; then exec cat -- "$r"; else exec head -c "$2" -- "$r"; fi`,
  // $2 bytes expected on stdin; $3 mode or "-". A short body leaves the old file as it was.
  write: `full "$1"; [ "$r" = "$ws" ] && fail ${EXIT.isDir} "$1"; [ -d "$r" ] && fail ${EXIT.isDir} "$1"
dir=$(dirname -- "$r"); mkdir -p -- "$dir" 2>/dev/null; [ -d "$dir" ] || fail ${EXIT.notDir} "$(dirname -- "$1")"
tmp="$dir/.clawdspace-upload-$$"
trap 'rm -f -- "$tmp"' EXIT
cat > "$tmp" || exit 1
got=$(stat -c '%s' -- "$tmp"); [ "$got" = "$2" ] || fail ${EXIT.short} "received $got of $2 bytes"
if [ "$3" != "-" ]; then chmod "$3" -- "$tmp"; elif [ -e "$r" ]; then chmod --reference="$r" -- "$tmp" 2>/dev/null || true; fi
mv -f -T -- "$tmp" "$r"`,
  remove: `parent "$1"; [ "$r" = "$ws" ] && fail ${EXIT.conflict} "the workspace itself cannot be deleted"
exists "$r" || fail ${EXIT.missing} "$1"
if [ -d "$r" ] && [ ! -L "$r" ]; then
  if [ "$2" = "1" ]; then exec rm -rf -- "$r"; fi
  rmdir -- "$r" 2>/dev/null || fail ${EXIT.conflict} "folder $1 is not empty (use recursive=true)"
else exec rm -f -- "$r"; fi`,
  mkdir: `full "$1"; if exists "$r" && [ ! -d "$r" ]; then fail ${EXIT.conflict} "$1 exists and is not a folder"; fi
exec mkdir -p -- "$r"`,
  move: `parent "$1"; a=$r; parent "$2"; b=$r
[ "$a" = "$ws" ] || [ "$b" = "$ws" ] && fail ${EXIT.conflict} "the workspace itself cannot be renamed"
exists "$a" || fail ${EXIT.missing} "$1"
if [ -d "$b" ] && [ ! -L "$b" ] && ! [ -d "$a" ]; then fail ${EXIT.conflict} "$2 is a folder"; fi
mkdir -p -- "$(dirname -- "$b")" 2>/dev/null
mv -T -- "$a" "$b" || fail ${EXIT.conflict} "could not rename $1 to $2"`,
  // a folder's content relative to it, or one file by its name; symlinks are archived as links
  tarOut: `full "$1"; exists "$r" || fail ${EXIT.missing} "$1"
if [ -d "$r" ]; then exec tar -c -f - -C "$r" .; else exec tar -c -f - -C "$(dirname -- "$r")" -- "$(basename -- "$r")"; fi`,
  tarIn: `full "$1"; mkdir -p -- "$r" 2>/dev/null; [ -d "$r" ] || fail ${EXIT.notDir} "$1"
exec tar -x -f - -C "$r" --no-same-owner --no-same-permissions --no-overwrite-dir`,
} as const;

/** The agent binary's name for each operation (docs/SPACE-AGENT.md, "files"): same arguments, output and exit codes. */
const NATIVE_OP: Record<keyof typeof SCRIPTS, string> = {
  list: "list",
  read: "read",
  write: "write",
  remove: "remove",
  mkdir: "mkdir",
  move: "move",
  tarOut: "tar-out",
  tarIn: "tar-in",
};

/** The agent binary our images carry, whose `files` command walks paths with openat and runs no shell tool. */
export interface NativeFiles {
  binary: string;
}

/** How long a space's answer to `files check` is trusted (a space re-made under the same name may have another image). */
const CHECK_EVERY_MS = 5 * 60_000;
const CHECK_DEADLINE_MS = 15_000;
/** The most a folder listing may print before it is refused. */
const MAX_LISTING_BYTES = 32 * 1024 * 1024;

const TYPE: Record<string, FileType> = { f: "file", d: "dir", l: "symlink" };

/** Parses find's `%y\t%s\t%T@\t%m\t%l\t%f\0` records. */
export function parseListing(out: Buffer): FileStat[] {
  const entries: FileStat[] = [];
  for (const rec of out.toString("utf8").split("\0")) {
    if (!rec) continue;
    const [y, size, mtime, mode, target, ...rest] = rec.split("\t");
    const name = rest.join("\t");
    entries.push({
      name,
      type: TYPE[y!] ?? "other",
      size: Number(size),
      mtimeMs: Math.round(Number(mtime) * 1000),
      mode: parseInt(mode!, 8),
      ...(y === "l" ? { target } : {}),
    });
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/** Stderr kept for the error message, bounded. */
class Stderr {
  private text = "";
  push(chunk: Buffer): void {
    if (this.text.length < 2000) this.text += chunk.toString("utf8");
  }
  get message(): string {
    return this.text.trim().split("\n").slice(-3).join("; ").slice(0, 500);
  }
}

/**
 * Workspace file operations through exec, as the space's user, with bodies streamed on
 * stdin and stdout: no argument size limit, no whole file in memory, and nothing the
 * space's user could not do itself. Spaces whose image carries the agent binary run its `files`
 * command (confined component by component, no shell tool on the way), through the agent or
 * docker exec alike; other images get the scripts below.
 */
export class ExecFiles implements FilesPort {
  constructor(
    private readonly exec: ExecPort,
    private readonly native?: NativeFiles,
  ) {}

  /** Per space: whether its binary knows `files` (an image older than the command does not), asked once a while. */
  private readonly checked = new Map<string, { at: number; ok: Promise<boolean> }>();

  private async argv(name: string, script: keyof typeof SCRIPTS, args: string[]): Promise<string[]> {
    if (this.native && (await this.nativeWorks(name, this.native.binary))) return [this.native.binary, "files", NATIVE_OP[script], ...args];
    return ["/bin/sh", "-c", PRELUDE + SCRIPTS[script], "clawdspace-files", ...args];
  }

  private nativeWorks(name: string, binary: string): Promise<boolean> {
    const now = Date.now();
    const hit = this.checked.get(name);
    if (hit && now - hit.at < CHECK_EVERY_MS) return hit.ok;
    const entry = { at: now, ok: Promise.resolve(false) };
    entry.ok = this.exec
      // Bounded: an impostor agent that starts it and never answers must not hold every file call of its space.
      .run(name, { argv: [binary, "files", "check"], cwd: "/", user: SPACE_USER }, () => undefined, AbortSignal.timeout(CHECK_DEADLINE_MS))
      .then((o) => o.exitCode === 0)
      .catch(() => {
        // No answer (a paused space, an engine hiccup) is not remembered: the next call asks again.
        if (this.checked.get(name) === entry) this.checked.delete(name);
        return false;
      });
    if (this.checked.size > 10_000) this.checked.clear();
    this.checked.set(name, entry);
    return entry.ok;
  }

  private async run(
    name: string,
    script: keyof typeof SCRIPTS,
    args: string[],
    path: string,
    opts: { stdout?: ByteSink; stdin?: NodeJS.ReadableStream; signal?: AbortSignal } = {},
  ): Promise<void> {
    const err = new Stderr();
    const spec: ExecSpec = {
      argv: await this.argv(name, script, args),
      cwd: WORKSPACE,
      user: SPACE_USER,
      stdin: opts.stdin,
      // Our own reader (files write, tar-in) takes an upload straight off the agent's connection.
      stdinDirect: opts.stdin !== undefined,
    };
    const { exitCode } = await this.exec.run(
      name,
      spec,
      (stream, chunk) => {
        if (stream === "stderr") return err.push(chunk);
        return opts.stdout?.(chunk);
      },
      opts.signal,
    );
    switch (exitCode) {
      case 0:
        return;
      case EXIT.outside:
        throw new PathOutsideError(path);
      case EXIT.missing:
        throw new FileNotFoundError(path);
      case EXIT.notDir:
        throw new FileTypeError(`"${path}" is not a folder`);
      case EXIT.isDir:
        throw new FileTypeError(`"${path}" is a folder`);
      case EXIT.conflict:
        throw new FileTypeError(err.message || `cannot do that to "${path}"`);
      case EXIT.short:
        throw new RuntimeError(`upload incomplete (${err.message}); the file was left as it was`);
      default:
        throw new RuntimeError(`file operation on "${path}" failed (exit ${exitCode}): ${err.message || "no message"}`);
    }
  }

  async list(name: string, dir: string, signal?: AbortSignal): Promise<FileStat[]> {
    // A listing is held whole to be sorted: a folder of millions of names (made by the space) is cut, not kept.
    const chunks: Buffer[] = [];
    let bytes = 0;
    const cut = new AbortController();
    const both = signal ? AbortSignal.any([signal, cut.signal]) : cut.signal;
    const stdout: ByteSink = (c) => {
      bytes += c.length;
      if (bytes > MAX_LISTING_BYTES) cut.abort(new FileTypeError(`"${dir}" holds more entries than one listing answers (${MAX_LISTING_BYTES >> 20} MiB of names)`));
      else chunks.push(c);
    };
    await this.run(name, "list", [dir], dir, { stdout, signal: both }).catch((e: unknown) => {
      throw cut.signal.aborted ? cut.signal.reason : e;
    });
    if (cut.signal.aborted) throw cut.signal.reason;
    return parseListing(Buffer.concat(chunks));
  }

  async read(name: string, path: string, sink: ByteSink, opts: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<{ size: number }> {
    let size = -1;
    let head = Buffer.alloc(0);
    const stdout: ByteSink = (chunk) => {
      if (size >= 0) return sink(chunk);
      head = Buffer.concat([head, chunk]);
      const nl = head.indexOf(0x0a);
      if (nl < 0) return;
      size = Number(head.subarray(0, nl).toString("ascii"));
      const rest = head.subarray(nl + 1);
      if (rest.length) return sink(rest);
    };
    const limit = opts.maxBytes === undefined ? "-" : String(opts.maxBytes);
    await this.run(name, "read", [path, limit], path, { stdout, signal: opts.signal });
    return { size: Math.max(size, 0) };
  }

  async write(name: string, path: string, body: NodeJS.ReadableStream, opts: { size: number; mode?: number; signal?: AbortSignal }): Promise<void> {
    const mode = opts.mode === undefined ? "-" : (opts.mode & 0o777).toString(8);
    await this.run(name, "write", [path, String(opts.size), mode], path, { stdin: body, signal: opts.signal });
  }

  async remove(name: string, path: string, recursive: boolean): Promise<void> {
    await this.run(name, "remove", [path, recursive ? "1" : "0"], path);
  }

  async makeDir(name: string, path: string): Promise<void> {
    await this.run(name, "mkdir", [path], path);
  }

  async move(name: string, from: string, to: string): Promise<void> {
    await this.run(name, "move", [from, to], from);
  }

  async getArchive(name: string, path: string, sink: ByteSink, signal?: AbortSignal): Promise<void> {
    await this.run(name, "tarOut", [path], path, { stdout: sink, signal });
  }

  async putArchive(name: string, dir: string, tar: NodeJS.ReadableStream, signal?: AbortSignal): Promise<void> {
    await this.run(name, "tarIn", [dir], dir, { stdin: tar, signal });
  }
}
