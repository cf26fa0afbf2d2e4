import { posix } from "node:path";
import { Readable } from "node:stream";
import type { FileEntry, WakeTier } from "@clawdspace/shared";
import { InvalidInputError, StateConflictError, TooLargeError } from "../core/errors.js";
import { WORKSPACE } from "../engine/naming.js";
import type { ByteSink, FilesPort } from "../engine/ports/files.js";
import type { AuditLog } from "../audit/auditLog.js";
import type { ActivityTracker } from "../sleep/activity.js";
import type { Actor } from "../core/actor.js";
import type { OnWake, SpaceLifecycle } from "../spaces/lifecycle.js";
import { sanitizeTar, type SanitizeReport, TAR_LIMITS } from "./tarSanitizer.js";

const outside = (path: string) =>
  new InvalidInputError(`Path "${path}" resolves outside /workspace`, [{ path: "path", message: "resolves outside /workspace" }]);

/**
 * A client path to an absolute path under /workspace. "/" is the workspace, as in the
 * contract, and a leading "/workspace" is accepted too; `..` that climbs out is a 400 here,
 * before the space is asked (symlinks are resolved inside the space by the files role).
 */
export function workspacePath(path: string): string {
  if (path.includes("\0")) throw new InvalidInputError("Path must not contain NUL", [{ path: "path", message: "contains NUL" }]);
  const rel = path.replace(/^\/+workspace(?=\/|$)/, "");
  // Climbing is checked on the raw segments: "/../etc" must not be normalised into "/etc".
  const depth = rel.split("/").reduce((d, seg) => (d < 0 ? d : seg === ".." ? d - 1 : seg === "" || seg === "." ? d : d + 1), 0);
  if (depth < 0) throw outside(path);
  return posix.normalize(posix.join(WORKSPACE, rel)).replace(/\/$/, "") || WORKSPACE;
}

/** The path as clients see it: relative to the workspace, starting with "/". */
export const clientPath = (abs: string) => abs.slice(WORKSPACE.length) || "/";

export interface FileServiceOptions {
  /** Largest raw upload or archive (bytes). */
  maxUploadBytes: number;
  /** Entries one tar upload may hold (kept or skipped). */
  maxTarEntries?: number;
  /** Largest content answered inside JSON (the rest is reported as truncated). */
  maxJsonReadBytes: number;
}

/**
 * Workspace files: confinement, wake-on-demand, activity and audit around the engine's
 * file operations. Reads are activity but are not audited; every change is.
 */
export class FileService {
  constructor(
    private readonly files: FilesPort,
    private readonly lifecycle: SpaceLifecycle,
    private readonly activity: ActivityTracker,
    private readonly audit: AuditLog,
    readonly opts: FileServiceOptions,
  ) {}

  /** The operation under the one wake path; any file operation is activity. */
  private async awake<T>(name: string, who: Actor, fn: () => Promise<T>, onWake?: OnWake): Promise<{ value: T; wake?: WakeTier }> {
    const result = await this.lifecycle.withWake(name, "files", who, fn, onWake);
    this.activity.record(name, "files");
    return result;
  }

  async list(name: string, path: string, who: Actor, onWake?: OnWake) {
    const abs = workspacePath(path);
    const { value, wake } = await this.awake(name, who, () => this.files.list(name, abs), onWake);
    const base = clientPath(abs);
    const entries: FileEntry[] = value.map((e) => ({ ...e, path: posix.join(base, e.name) }));
    return { path: base, entries, wake };
  }

  /** Reads into memory for a JSON answer, at most maxJsonReadBytes. */
  async readJson(name: string, path: string, maxBytes: number | undefined, who: Actor, onWake?: OnWake) {
    const abs = workspacePath(path);
    const limit = Math.min(maxBytes ?? this.opts.maxJsonReadBytes, this.opts.maxJsonReadBytes);
    const chunks: Buffer[] = [];
    const { value, wake } = await this.awake(
      name,
      who,
      () => {
        chunks.length = 0;
        return this.files.read(name, abs, (c) => void chunks.push(c), { maxBytes: limit });
      },
      onWake,
    );
    const content = Buffer.concat(chunks);
    return { path: clientPath(abs), contentBase64: content.toString("base64"), truncated: value.size > content.length, size: value.size, wake };
  }

  /** Streams a file's bytes to a sink; `begin` runs before the first byte (to send headers). */
  async readStream(name: string, path: string, sink: ByteSink, who: Actor, opts: { maxBytes?: number; signal?: AbortSignal; onWake?: OnWake } = {}) {
    const abs = workspacePath(path);
    return this.awake(name, who, () => this.files.read(name, abs, sink, { maxBytes: opts.maxBytes, signal: opts.signal }), opts.onWake);
  }

  async write(name: string, path: string, body: NodeJS.ReadableStream | Buffer, size: number, who: Actor, opts: { mode?: number; signal?: AbortSignal; onWake?: OnWake } = {}) {
    const abs = workspacePath(path);
    if (abs === WORKSPACE) throw new StateConflictError("FILE_CONFLICT", "The workspace itself is a folder; name a file inside it");
    if (size > this.opts.maxUploadBytes) {
      throw new TooLargeError(`File is larger than the limit of ${this.opts.maxUploadBytes} bytes`);
    }
    const stream = () => (Buffer.isBuffer(body) ? Readable.from([body]) : body);
    const { wake } = await this.awake(name, who, () => this.files.write(name, abs, stream(), { size, mode: opts.mode, signal: opts.signal }), opts.onWake);
    this.audit.append({ ...who, space: name, type: "space.file.write", meta: { path: clientPath(abs), bytes: size } });
    return { message: `Wrote ${size} bytes to ${clientPath(abs)}`, path: clientPath(abs), bytes: size, wake };
  }

  async remove(name: string, path: string, recursive: boolean, who: Actor, onWake?: OnWake) {
    const abs = workspacePath(path);
    if (abs === WORKSPACE) throw new StateConflictError("FILE_CONFLICT", "The workspace itself cannot be deleted");
    const { wake } = await this.awake(name, who, () => this.files.remove(name, abs, recursive), onWake);
    this.audit.append({ ...who, space: name, type: "space.file.delete", meta: { path: clientPath(abs), recursive } });
    return { message: `Deleted ${clientPath(abs)}`, wake };
  }

  async mkdir(name: string, path: string, who: Actor, onWake?: OnWake) {
    const abs = workspacePath(path);
    const { wake } = await this.awake(name, who, () => this.files.makeDir(name, abs), onWake);
    this.audit.append({ ...who, space: name, type: "space.file.mkdir", meta: { path: clientPath(abs) } });
    return { message: `Created ${clientPath(abs)}`, wake };
  }

  async rename(name: string, from: string, to: string, who: Actor, onWake?: OnWake) {
    const a = workspacePath(from);
    const b = workspacePath(to);
    if (a === WORKSPACE || b === WORKSPACE) throw new StateConflictError("FILE_CONFLICT", "The workspace itself cannot be renamed");
    const { wake } = await this.awake(name, who, () => this.files.move(name, a, b), onWake);
    this.audit.append({ ...who, space: name, type: "space.file.rename", meta: { from: clientPath(a), to: clientPath(b) } });
    return { message: `Renamed ${clientPath(a)} to ${clientPath(b)}`, wake };
  }

  async download(name: string, path: string, sink: ByteSink, who: Actor, opts: { signal?: AbortSignal; onWake?: OnWake } = {}) {
    const abs = workspacePath(path);
    return this.awake(name, who, () => this.files.getArchive(name, abs, sink, opts.signal), opts.onWake);
  }

  /** Unpacks an uploaded tar into a folder after sanitising it entry by entry (see tarSanitizer). */
  async upload(name: string, path: string, tar: NodeJS.ReadableStream, who: Actor, opts: { signal?: AbortSignal; onWake?: OnWake } = {}) {
    const abs = workspacePath(path);
    let report: Promise<SanitizeReport> | undefined;
    const { wake } = await this.awake(
      name,
      who,
      () => {
        const s = sanitizeTar(tar, this.opts.maxUploadBytes, { ...TAR_LIMITS, entries: this.opts.maxTarEntries ?? TAR_LIMITS.entries });
        report = s.report;
        // A sanitiser failure (too large, not a tar) explains the engine's failure that follows it.
        return Promise.allSettled([this.files.putArchive(name, abs, s.output, opts.signal), s.report]).then(([put, rep]) => {
          if (rep.status === "rejected") throw rep.reason;
          if (put.status === "rejected") throw put.reason;
        });
      },
      opts.onWake,
    ).catch((e: unknown) => {
      const flags = e as { tooLarge?: boolean; invalidTar?: boolean; message?: string };
      if (flags.tooLarge) throw new TooLargeError(flags.message ?? "archive too large");
      if (flags.invalidTar) throw new InvalidInputError(flags.message ?? "not a tar", [{ path: "body", message: "not a valid tar archive" }]);
      throw e;
    });
    const r = await report!;
    this.audit.append({
      ...who,
      space: name,
      type: "space.file.upload",
      meta: { path: clientPath(abs), bytes: r.bytes, entries: r.entries, skipped: r.skipped.length, modesStripped: r.modesStripped },
    });
    return { message: `Unpacked ${r.entries} entries into ${clientPath(abs)}`, path: clientPath(abs), ...r, wake };
  }
}
