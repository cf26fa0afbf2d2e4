import { createWriteStream } from "node:fs";
import { chmod, lstat, mkdir, realpath, symlink, unlink, utimes } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { CliError } from "../errors.js";

export interface UnpackPlan {
  /** an existing local folder everything lands in; nothing is ever written outside it */
  base: string;
  /** the name the download's top entry gets inside `base` */
  top: string;
  /**
   * How entries are named: after the copied thing (a file, "name/..."), given here, or relative
   * to it ("./..."), null. undefined: decided from the first entry.
   */
  archiveTop?: string | null;
  /** the copied path's base name, which a named archive's entries start with */
  expectTop?: string;
}

/** A folder's archive holds "./..." entries; a file's, one entry named after it. */
export function archiveTopOf(firstEntry: string, expectTop: string | undefined): string | null {
  const first = firstEntry.split("/").filter((p) => p !== "")[0];
  return first !== undefined && first !== "." && first === expectTop ? first : null;
}

/** Where an archive entry goes, or null when its name would escape the destination. */
export function entryTarget(plan: UnpackPlan, entryName: string): string | null {
  const parts = entryName.split("/").filter((p) => p !== "" && p !== ".");
  if (isAbsolute(entryName) || parts.includes("..")) return null;
  if (plan.archiveTop) {
    if (parts[0] !== plan.archiveTop) return null;
    parts.shift();
  }
  const target = join(plan.base, plan.top, ...parts);
  const rel = relative(plan.base, target);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? null : target;
}

async function nearestExisting(dir: string): Promise<string> {
  for (let d = dir; ; d = dirname(d)) {
    if (await exists(d)) return d;
    if (dirname(d) === d) return d;
  }
}

async function exists(path: string) {
  return lstat(path).then(
    (s) => s,
    () => null,
  );
}

/**
 * Unpacks a tar into plan.base/plan.top. Refuses (stops with an error) entries that would land
 * outside base, by name or through a symlink met on the way (one in the archive or one already
 * there); skips hard links and devices; drops setuid and setgid bits.
 */
export async function unpack(source: Readable, given: UnpackPlan, warn: (msg: string) => void, onBytes: (n: number) => void): Promise<number> {
  let plan = given;
  const baseReal = await realpath(plan.base);
  const inside = async (dir: string) => {
    const real = await realpath(dir);
    return real === baseReal || real.startsWith(baseReal + sep);
  };
  const extract = tar.extract();
  const fed = pipeline(source, extract);
  const dirs: Array<{ path: string; mode: number; mtime?: Date }> = [];
  let count = 0;
  try {
    for await (const entry of extract) {
      const h = entry.header;
      if (plan.archiveTop === undefined) plan = { ...plan, archiveTop: archiveTopOf(h.name, plan.expectTop) };
      const target = entryTarget(plan, h.name);
      if (!target) throw new CliError(`refusing archive entry "${h.name}": it would land outside ${plan.base}`, "UNSAFE_ARCHIVE", 1);
      const parent = dirname(target);
      // Checked before mkdir: a recursive mkdir would follow a symlink out and create folders there.
      if (!(await inside(await nearestExisting(parent)))) {
        throw new CliError(`refusing archive entry "${h.name}": it goes through a symlink out of ${plan.base}`, "UNSAFE_ARCHIVE", 1);
      }
      await mkdir(parent, { recursive: true });
      const mode = (h.mode ?? 0o644) & 0o1777;
      const existing = await exists(target);
      if (h.type === "directory") {
        if (existing && !existing.isDirectory()) await unlink(target);
        await mkdir(target, { recursive: true });
        // Applied at the end: a read-only folder must still take its files first.
        dirs.push({ path: target, mode, mtime: h.mtime });
      } else if (h.type === "file" || h.type === "contiguous-file") {
        // Never write through a symlink that is already there: replace the link itself.
        if (existing && (existing.isSymbolicLink() || !existing.isFile())) await unlink(target);
        entry.on("data", (c: unknown) => onBytes((c as Buffer).length));
        await pipeline(entry, createWriteStream(target, { mode }));
        await chmod(target, mode);
        if (h.mtime) await utimes(target, h.mtime, h.mtime);
        count++;
        continue;
      } else if (h.type === "symlink") {
        if (existing) await unlink(target);
        await symlink(h.linkname ?? "", target);
        count++;
      } else {
        warn(`skipping "${h.name}": ${h.type} entries are not copied`);
      }
      entry.resume();
    }
  } finally {
    await fed.catch(() => undefined);
  }
  await fed;
  for (const d of dirs.reverse()) {
    await chmod(d.path, d.mode);
    if (d.mtime) await utimes(d.path, d.mtime, d.mtime);
  }
  return count;
}
