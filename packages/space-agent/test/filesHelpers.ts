import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { AGENT, tempRoot } from "./helpers.js";

export interface FilesRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunOpts {
  input?: Buffer | string;
  timeout?: number;
}

/** `clawdspace-agent files --root ROOT ARGS...`, with optional stdin. */
export function files(root: string, args: string[], opts: RunOpts = {}): FilesRun {
  const r = spawnSync(AGENT, ["files", "--root", root, ...args], {
    input: opts.input ?? "",
    timeout: opts.timeout ?? 15_000,
    maxBuffer: 256 << 20,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout ?? Buffer.alloc(0), stderr: (r.stderr ?? "").toString() };
}

export interface Space {
  /** The temp dir holding both. */
  tmp: string;
  /** The --root. */
  root: string;
  /** A folder beside the root, outside it. */
  out: string;
  /** A path under the root. */
  p: (...parts: string[]) => string;
}

export function space(): Space {
  const tmp = tempRoot();
  const root = join(tmp, "ws");
  const out = join(tmp, "out");
  mkdirSync(root);
  mkdirSync(out);
  return { tmp, root, out, p: (...parts) => join(root, ...parts) };
}

export interface Entry {
  type: string;
  size: string;
  mtime: string;
  mode: string;
  target: string;
  name: string;
}

/** Splits list's `TYPE\tSIZE\tMTIME\tMODE\tTARGET\tNAME\0` records (NAME may hold tabs and newlines). */
export function parseList(buf: Buffer): Entry[] {
  const text = buf.toString("utf8");
  if (text.length > 0 && !text.endsWith("\0")) throw new Error(`list output does not end with \\0: ${JSON.stringify(text.slice(-40))}`);
  return text
    .split("\0")
    .slice(0, -1)
    .map((rec) => {
      const f = rec.split("\t");
      if (f.length < 6) throw new Error(`bad record ${JSON.stringify(rec)}`);
      return { type: f[0]!, size: f[1]!, mtime: f[2]!, mode: f[3]!, target: f[4]!, name: f.slice(5).join("\t") };
    });
}

/** read's output: the size line and the bytes after it. */
export function splitRead(buf: Buffer): { size: number; body: Buffer } {
  const nl = buf.indexOf(0x0a);
  if (nl < 0) throw new Error(`no size line in ${JSON.stringify(buf.subarray(0, 40).toString())}`);
  const line = buf.subarray(0, nl).toString();
  if (!/^\d+$/.test(line)) throw new Error(`bad size line ${JSON.stringify(line)}`);
  return { size: Number(line), body: buf.subarray(nl + 1) };
}

export const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

export const isLink = (p: string) => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

export const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/** Every path under dir, relative, sorted (links not followed). */
export function walk(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const rel = prefix + name;
    out.push(rel);
    const st = lstatSync(join(dir, name));
    if (st.isDirectory()) out.push(...walk(join(dir, name), rel + "/"));
  }
  return out.sort();
}

/** The system tar, reading or writing stdin/stdout. */
export function sysTar(args: string[], input?: Buffer) {
  const r = spawnSync("tar", args, { input, timeout: 15_000, maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout ?? Buffer.alloc(0), stderr: (r.stderr ?? "").toString() };
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, "0") + "\0";
}

/** One hand-built ustar entry (header plus padded body): typeflag 0 file, 1 hard link, 2 symlink, 5 folder. */
export function ustarEntry(name: string, body: Buffer | string = "", type = "0", linkname = "", mode = 0o644): Buffer {
  const data = Buffer.from(body);
  const h = Buffer.alloc(512);
  if (Buffer.byteLength(name) > 100) throw new Error("name too long for a plain ustar header");
  h.write(name, 0, 100, "utf8");
  h.write(octal(mode, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(type === "0" ? data.length : 0, 12), 124, "ascii");
  h.write(octal(Math.floor(Date.now() / 1000), 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write(type, 156, "ascii");
  h.write(linkname, 157, 100, "utf8");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write("root", 265, "ascii");
  h.write("root", 297, "ascii");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
  const pad = type === "0" ? Buffer.alloc((512 - (data.length % 512)) % 512) : Buffer.alloc(0);
  return Buffer.concat([h, type === "0" ? data : Buffer.alloc(0), pad]);
}

/** Entries followed by the two zero blocks that end an archive. */
export const ustarArchive = (...entries: Buffer[]) => Buffer.concat([...entries, Buffer.alloc(1024)]);

export const mkfifo = (p: string) => {
  if (spawnSync("mkfifo", [p]).status !== 0) throw new Error(`mkfifo ${p} failed`);
};

/** Keeps swapping root/d between the real folder and root/d.link (a symlink), until stop() is awaited. */
export function startSwapper(root: string): { stop: () => Promise<void> } {
  const loop = "while :; do mv -T d d.real; mv -T d.link d; mv -T d d.link; mv -T d.real d; done";
  const child = spawn("bash", ["-c", loop], { cwd: root, stdio: "ignore", detached: true });
  const closed = new Promise<void>((r) => child.on("close", () => r()));
  return {
    stop: async () => {
      process.kill(-child.pid!, "SIGKILL");
      await closed;
    },
  };
}

/** The exit code and stdout as text, to compare in one go. */
export const outcome = (r: FilesRun) => ({ code: r.code, out: r.stdout.toString() });

/** `write PATH SIZE MODE` with data on stdin; SIZE defaults to the data's length. */
export const put = (root: string, path: string, data: Buffer | string, mode = "-", size = Buffer.byteLength(data)) =>
  files(root, ["write", path, String(size), mode], { input: data });

export const text = (p: string) => readFileSync(p, "utf8");
export const perm = (p: string) => statSync(p).mode & 0o7777;

/** list's exit code and the names it printed. */
export const listNames = (r: FilesRun) => ({ code: r.code, names: parseList(r.stdout).map((e) => e.name) });
