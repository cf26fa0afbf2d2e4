import { SPACE_NAME_RE } from "./names.js";

export type CopyEnd = { kind: "local"; path: string } | { kind: "remote"; space: string; path: string };

/** `NAME:/path` is a space's path; anything else (./a:b too) is local. */
export function parseEnd(arg: string): CopyEnd {
  const i = arg.indexOf(":");
  if (i > 0) {
    const space = arg.slice(0, i);
    if (SPACE_NAME_RE.test(space)) return { kind: "remote", space, path: arg.slice(i + 1) || "/" };
  }
  return { kind: "local", path: arg };
}

/** Space paths are inside /workspace; "/" and "" mean /workspace itself, as the file routes read them. */
export function remoteBase(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const base = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  return base === "" || base === "workspace" && trimmed === "/workspace" ? "workspace" : base;
}

export function remoteParent(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const i = trimmed.lastIndexOf("/");
  return i <= 0 ? "/" : trimmed.slice(0, i);
}
