/**
 * The header of a git bundle (gitformat-bundle(5)): what the project routes read before any
 * pack byte reaches a space, and what the CLI reads from a bundle a space sent back. Pure text
 * handling, so it is shared by the server and the CLI and tested without git.
 */

export interface BundleRef {
  oid: string;
  name: string;
}

export interface BundleHeader {
  version: 2 | 3;
  objectFormat: "sha1" | "sha256";
  /** Commits the receiver must already have (the pack is not complete without them). */
  prerequisites: string[];
  refs: BundleRef[];
}

export class BundleHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BundleHeaderError";
  }
}

/** Bytes of header we read at most before calling the input not a bundle. */
export const MAX_BUNDLE_HEADER_BYTES = 1024 * 1024;

const OID = { sha1: /^[0-9a-f]{40}$/, sha256: /^[0-9a-f]{64}$/ } as const;
// A ref name as git writes them in bundles: no spaces or control characters, nothing git would refuse.
const REF_NAME = /^(HEAD|refs\/[A-Za-z0-9._/@+-]+)$/;

/** Where the header ends: the offset just past the blank line, or -1 when it has not arrived yet. */
export function headerEnd(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && (i === 0 || bytes[i - 1] === 0x0a)) return i + 1;
  }
  return -1;
}

/** Parses the header text (up to and including the blank line that ends it). */
export function parseBundleHeader(text: string): BundleHeader {
  const lines = text.split("\n");
  const sig = lines.shift();
  const version = sig === "# v2 git bundle" ? 2 : sig === "# v3 git bundle" ? 3 : null;
  if (version === null) throw new BundleHeaderError("not a git bundle (expected a '# v2 git bundle' or '# v3 git bundle' first line)");
  let objectFormat: BundleHeader["objectFormat"] = "sha1";
  const prerequisites: string[] = [];
  const refs: BundleRef[] = [];
  for (const line of lines) {
    if (line === "") break;
    if (line.startsWith("@")) {
      if (version === 2) throw new BundleHeaderError("a v2 bundle has no capabilities");
      const [key, value] = line.slice(1).split("=", 2);
      if (key === "object-format" && (value === "sha1" || value === "sha256")) objectFormat = value;
      else throw new BundleHeaderError(`unsupported bundle capability "${line.slice(0, 80)}"`);
      continue;
    }
    if (line.startsWith("-")) {
      const oid = line.slice(1).split(" ", 1)[0]!;
      if (!OID[objectFormat].test(oid)) throw new BundleHeaderError(`bad prerequisite line "${line.slice(0, 80)}"`);
      prerequisites.push(oid);
      continue;
    }
    const space = line.indexOf(" ");
    const oid = line.slice(0, space);
    const name = line.slice(space + 1);
    if (space < 0 || !OID[objectFormat].test(oid) || !REF_NAME.test(name) || name.includes("..")) {
      throw new BundleHeaderError(`bad reference line "${line.slice(0, 80)}"`);
    }
    refs.push({ oid, name });
  }
  if (refs.length === 0) throw new BundleHeaderError("the bundle names no reference");
  return { version, objectFormat, prerequisites, refs };
}

/** The header of a bundle we write: refs in order, prerequisites first. */
export function formatBundleHeader(h: Omit<BundleHeader, "version"> & { version?: 2 | 3 }): string {
  const v3 = h.objectFormat !== "sha1" || h.version === 3;
  const lines = [v3 ? "# v3 git bundle" : "# v2 git bundle"];
  if (v3) lines.push(`@object-format=${h.objectFormat}`);
  for (const p of h.prerequisites) lines.push(`-${p}`);
  for (const r of h.refs) lines.push(`${r.oid} ${r.name}`);
  return `${lines.join("\n")}\n\n`;
}

/** The oid a bundle names `name` by, if any. */
export const bundleRef = (h: BundleHeader, name: string) => h.refs.find((r) => r.name === name)?.oid;

/** The names the CLI gives the working-tree state inside a project bundle. */
export const PROJECT_REFS = { base: "HEAD", index: "refs/clawdspace/index", worktree: "refs/clawdspace/worktree", head: "refs/clawdspace/head" } as const;
