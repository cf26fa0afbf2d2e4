import { posix } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract, pack, type Header as Headers } from "tar-stream";

export const SPACE_UID = 1001;
export const SPACE_GID = 1001;

export interface SanitizeReport {
  entries: number;
  /** Bytes of file content that went through. */
  bytes: number;
  skipped: Array<{ name: string; reason: "absolute" | "escapes" | "type" | "through-symlink" | "link-escapes" }>;
  /** Entries whose setuid, setgid or sticky bits were removed. */
  modesStripped: number;
}

/** Normalises an entry name relative to the target folder; null when it would leave it. */
function relativeName(name: string): string | null {
  const n = posix.normalize(name.replace(/^(\.\/)+/, ""));
  if (n === "." || n === "./") return ".";
  if (n.startsWith("/")) return null;
  if (n === ".." || n.startsWith("../")) return null;
  return n.replace(/\/$/, "");
}

const KEPT_TYPES = new Set(["file", "contiguous-file", "directory", "symlink", "link"]);

/**
 * Re-packs an uploaded tar entry by entry, as a stream: entries that would land outside the
 * target folder (absolute names, `..`, or a path through a symlink the same archive made),
 * devices, fifos and other special files are dropped and reported; setuid, setgid and sticky
 * bits are cleared; every entry belongs to the space's user. Symlinks stay symlinks.
 */
/** Bounds on what one archive may make us (and the space) hold, besides its bytes. */
export const TAR_LIMITS = { entries: 100_000, nameBytes: 4096 };

export function sanitizeTar(
  input: NodeJS.ReadableStream,
  maxBytes = Number.POSITIVE_INFINITY,
  limits: { entries: number; nameBytes: number } = TAR_LIMITS,
): { output: Readable; report: Promise<SanitizeReport> } {
  const report: SanitizeReport = { entries: 0, bytes: 0, skipped: [], modesStripped: 0 };
  const links = new Set<string>();
  const ex = extract();
  const out = pack();
  const output = new PassThrough();
  out.pipe(output);
  // the failure reaches the caller through `report`; the consumer of `output` only sees it end
  output.on("error", () => undefined);
  out.on("error", () => undefined);

  const underLink = (name: string) => {
    for (let p = posix.dirname(name); p !== "." && p !== "/"; p = posix.dirname(p)) if (links.has(p)) return true;
    return false;
  };

  let fail: (err: Error) => void = () => undefined;
  const finished = new Promise<SanitizeReport>((resolve, reject) => {
    fail = (err: Error) => {
      output.destroy(err);
      reject(err);
    };
    let seen = 0;
    ex.on("entry", (h: Headers, stream, next) => {
      // Every entry counts, kept or skipped: a million empty ones cost as much as their content would.
      if (++seen > limits.entries) return fail(Object.assign(new Error(`archive has more than ${limits.entries} entries`), { tooLarge: true }));
      if (Buffer.byteLength(h.name) > limits.nameBytes || Buffer.byteLength(h.linkname ?? "") > limits.nameBytes) {
        return fail(Object.assign(new Error(`an entry's name or link target is longer than ${limits.nameBytes} bytes`), { invalidTar: true }));
      }
      const skip = (reason: SanitizeReport["skipped"][number]["reason"]) => {
        if (report.skipped.length < 1000) report.skipped.push({ name: h.name.slice(0, 500), reason });
        stream.on("end", () => next());
        stream.resume();
      };
      const type = h.type ?? "file";
      if (!KEPT_TYPES.has(type)) return skip("type");
      const name = relativeName(h.name);
      if (name === null) return skip(h.name.startsWith("/") ? "absolute" : "escapes");
      if (name !== "." && underLink(name)) return skip("through-symlink");
      if (type === "link") {
        const target = relativeName(h.linkname ?? "");
        if (target === null || target === "." || underLink(target) || links.has(target)) return skip("link-escapes");
      }
      if (type === "symlink") links.add(name);
      const mode = (h.mode ?? (type === "directory" ? 0o755 : 0o644)) & 0o7777;
      if (mode & 0o7000) report.modesStripped++;
      const header: Partial<Headers> & { name: string } = {
        name: name === "." ? "./" : name,
        type: type === "contiguous-file" ? "file" : type,
        mode: mode & 0o777,
        uid: SPACE_UID,
        gid: SPACE_GID,
        uname: "sandbox",
        gname: "sandbox",
        mtime: h.mtime,
        ...(type === "file" || type === "contiguous-file" ? { size: h.size ?? 0 } : {}),
        ...(type === "symlink" || type === "link" ? { linkname: type === "link" ? relativeName(h.linkname ?? "")! : h.linkname } : {}),
      };
      report.entries++;
      if (header.type !== "file") {
        out.entry(header as Headers, (err) => (err ? fail(err) : undefined));
        stream.on("end", () => next());
        stream.resume();
        return;
      }
      report.bytes += header.size ?? 0;
      if (report.bytes > maxBytes) return fail(Object.assign(new Error(`archive content is over the limit of ${maxBytes} bytes`), { tooLarge: true }));
      const entry = out.entry(header as Headers, (err) => (err ? fail(err) : next()));
      stream.pipe(entry as unknown as NodeJS.WritableStream);
    });
    ex.on("finish", () => {
      out.finalize();
      resolve(report);
    });
    ex.on("error", (e) => fail(Object.assign(new Error(`not a valid tar archive: ${e.message}`), { invalidTar: true })));
  });
  pipeline(input, ex as unknown as NodeJS.WritableStream).catch((e: Error) => fail(e));
  // the caller awaits report after the runtime consumed output; keep an early failure from being unhandled
  finished.catch(() => undefined);
  return { output, report: finished };
}
