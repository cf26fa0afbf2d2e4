import { posix } from "node:path";
import { pipeline } from "node:stream/promises";
import { extract, pack } from "tar-stream";
import { FileNotFoundError, FileTypeError, PathOutsideError, RuntimeError } from "../../../src/engine/errors.js";
import { WORKSPACE } from "../../../src/engine/naming.js";
import type { ByteSink, FileStat } from "../../../src/engine/ports/files.js";

type Node =
  | { type: "file"; data: Buffer; mode: number; mtimeMs: number; uid: number }
  | { type: "dir"; mode: number; mtimeMs: number; uid: number }
  | { type: "symlink"; target: string; mode: number; mtimeMs: number; uid: number };

const UID = 1001;

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

/**
 * One space's filesystem in memory, with the semantics the exec scripts have on the real
 * engine: symlinks resolved like `realpath -m`, confinement to /workspace, the same errors.
 * Paths outside /workspace exist too (a link to /etc resolves there and is refused).
 */
export class FakeFileTree {
  readonly nodes = new Map<string, Node>([
    ["/", { type: "dir", mode: 0o755, mtimeMs: 0, uid: 0 }],
    ["/etc", { type: "dir", mode: 0o755, mtimeMs: 0, uid: 0 }],
    ["/etc/passwd", { type: "file", data: Buffer.from("root:x:0:0::/root:/bin/bash\n"), mode: 0o644, mtimeMs: 0, uid: 0 }],
    [WORKSPACE, { type: "dir", mode: 0o755, mtimeMs: 0, uid: UID }],
  ]);

  /** `realpath -m`: every symlink on the way is followed; missing components are allowed. */
  resolve(path: string, followLast = true, depth = 0): string {
    if (depth > 40) throw new RuntimeError("too many levels of symbolic links");
    const parts = posix.normalize(path).split("/").filter(Boolean);
    let cur = "/";
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (part === "..") {
        cur = posix.dirname(cur);
        continue;
      }
      const next = posix.join(cur, part);
      const node = this.nodes.get(next);
      const last = i === parts.length - 1;
      if (node?.type === "symlink" && (!last || followLast)) {
        const target = node.target.startsWith("/") ? node.target : posix.join(cur, node.target);
        cur = this.resolve(target, true, depth + 1);
      } else cur = next;
    }
    return cur;
  }

  private inside(p: string): boolean {
    return p === WORKSPACE || p.startsWith(`${WORKSPACE}/`);
  }

  full(path: string): string {
    const r = this.resolve(path);
    if (!this.inside(r)) throw new PathOutsideError(path);
    return r;
  }

  parent(path: string): string {
    const d = this.resolve(posix.dirname(path));
    if (!this.inside(d)) throw new PathOutsideError(path);
    return path === WORKSPACE ? WORKSPACE : posix.join(d, posix.basename(path));
  }

  private children(dir: string): string[] {
    const prefix = dir === "/" ? "/" : `${dir}/`;
    return [...this.nodes.keys()].filter((k) => k.startsWith(prefix) && k !== dir && !k.slice(prefix.length).includes("/"));
  }

  private mkdirp(dir: string): void {
    const parts = dir.split("/").filter(Boolean);
    let cur = "";
    for (const p of parts) {
      cur += `/${p}`;
      const n = this.nodes.get(cur);
      if (!n) this.nodes.set(cur, { type: "dir", mode: 0o755, mtimeMs: Date.now(), uid: UID });
      else if (n.type !== "dir") throw new FileTypeError(`"${cur}" is not a folder`);
    }
  }

  list(path: string): FileStat[] {
    const r = this.full(path);
    const node = this.nodes.get(r);
    if (!node) throw new FileNotFoundError(path);
    if (node.type !== "dir") throw new FileTypeError(`"${path}" is not a folder`);
    return this.children(r)
      .map((k) => {
        const n = this.nodes.get(k)!;
        return {
          name: posix.basename(k),
          type: n.type,
          size: n.type === "file" ? n.data.length : n.type === "symlink" ? n.target.length : 4096,
          mtimeMs: n.mtimeMs,
          mode: n.mode,
          ...(n.type === "symlink" ? { target: n.target } : {}),
        } satisfies FileStat;
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async read(path: string, sink: ByteSink, maxBytes?: number): Promise<{ size: number }> {
    const r = this.full(path);
    const node = this.nodes.get(r);
    if (!node) throw new FileNotFoundError(path);
    if (node.type !== "file") throw new FileTypeError(`"${path}" is a folder`);
    const data = maxBytes === undefined ? node.data : node.data.subarray(0, maxBytes);
    if (data.length) await sink(data);
    return { size: node.data.length };
  }

  async write(path: string, body: NodeJS.ReadableStream, size: number, mode?: number): Promise<void> {
    const r = this.full(path);
    if (this.nodes.get(r)?.type === "dir") throw new FileTypeError(`"${path}" is a folder`);
    const data = await readAll(body);
    if (data.length !== size) throw new RuntimeError(`upload incomplete (received ${data.length} of ${size} bytes); the file was left as it was`);
    this.mkdirp(posix.dirname(r));
    const old = this.nodes.get(r);
    this.nodes.set(r, { type: "file", data, mode: mode ?? old?.mode ?? 0o644, mtimeMs: Date.now(), uid: UID });
  }

  remove(path: string, recursive: boolean): void {
    const r = this.parent(path);
    if (r === WORKSPACE) throw new FileTypeError("the workspace itself cannot be deleted");
    const node = this.nodes.get(r);
    if (!node) throw new FileNotFoundError(path);
    if (node.type === "dir") {
      const under = [...this.nodes.keys()].filter((k) => k.startsWith(`${r}/`));
      if (under.length && !recursive) throw new FileTypeError(`folder ${path} is not empty (use recursive=true)`);
      for (const k of under) this.nodes.delete(k);
    }
    this.nodes.delete(r);
  }

  mkdir(path: string): void {
    const r = this.full(path);
    const node = this.nodes.get(r);
    if (node && node.type !== "dir") throw new FileTypeError(`${path} exists and is not a folder`);
    this.mkdirp(r);
  }

  move(from: string, to: string): void {
    const a = this.parent(from);
    const b = this.parent(to);
    if (a === WORKSPACE || b === WORKSPACE) throw new FileTypeError("the workspace itself cannot be renamed");
    if (!this.nodes.has(a)) throw new FileNotFoundError(from);
    if (this.nodes.get(b)?.type === "dir" && this.nodes.get(a)?.type !== "dir") throw new FileTypeError(`${to} is a folder`);
    this.mkdirp(posix.dirname(b));
    for (const k of [...this.nodes.keys()]) {
      if (k === a || k.startsWith(`${a}/`)) {
        const n = this.nodes.get(k)!;
        this.nodes.delete(k);
        this.nodes.set(b + k.slice(a.length), n);
      }
    }
  }

  async tarOut(path: string, sink: ByteSink): Promise<void> {
    const r = this.full(path);
    const node = this.nodes.get(r);
    if (!node) throw new FileNotFoundError(path);
    const p = pack();
    const base = node.type === "dir" ? r : posix.dirname(r);
    const keys = node.type === "dir" ? [...this.nodes.keys()].filter((k) => k.startsWith(`${r}/`)).sort() : [r];
    for (const k of keys) {
      const n = this.nodes.get(k)!;
      const name = (node.type === "dir" ? "./" : "") + k.slice(base.length + 1);
      const common = { name, mode: n.mode, mtime: new Date(n.mtimeMs), uid: n.uid, gid: n.uid };
      if (n.type === "file") p.entry({ ...common, size: n.data.length }, n.data);
      else if (n.type === "dir") p.entry({ ...common, type: "directory" });
      else p.entry({ ...common, type: "symlink", linkname: n.target });
    }
    p.finalize();
    for await (const chunk of p as AsyncIterable<Buffer>) await sink(chunk);
  }

  async tarIn(dir: string, tar: NodeJS.ReadableStream): Promise<void> {
    const r = this.full(dir);
    this.mkdirp(r);
    const ex = extract();
    const done = new Promise<void>((resolve, reject) => {
      ex.on("entry", (h, stream, next) => {
        void readAll(stream as unknown as NodeJS.ReadableStream).then((data) => {
          const target = posix.join(r, h.name);
          this.mkdirp(posix.dirname(target));
          const common = { mode: (h.mode ?? 0o644) & 0o777, mtimeMs: h.mtime?.getTime() ?? Date.now(), uid: UID };
          if (h.type === "directory") this.mkdirp(target);
          else if (h.type === "symlink") this.nodes.set(target, { ...common, type: "symlink", target: h.linkname ?? "" });
          else this.nodes.set(target, { ...common, type: "file", data });
          next();
        }, reject);
      });
      ex.on("finish", resolve);
      ex.on("error", reject);
    });
    await Promise.all([pipeline(tar, ex as unknown as NodeJS.WritableStream), done]);
  }

  /** Test helpers: plant content directly. */
  plant(path: string, content: string | Buffer | { symlink: string } | { dir: true }): void {
    this.mkdirp(posix.dirname(path));
    if (typeof content === "string" || Buffer.isBuffer(content)) {
      this.nodes.set(path, { type: "file", data: Buffer.from(content), mode: 0o644, mtimeMs: Date.now(), uid: UID });
    } else if ("symlink" in content) this.nodes.set(path, { type: "symlink", target: content.symlink, mode: 0o777, mtimeMs: Date.now(), uid: UID });
    else this.mkdirp(path);
  }

  node(path: string): Node | undefined {
    return this.nodes.get(path);
  }
}
