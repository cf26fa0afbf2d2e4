/** Folder paths of the Files tab are workspace paths: "/" is /workspace. */
export const join = (dir: string, name: string) => `${dir.replace(/\/$/, "")}/${name}`;
export const parent = (p: string) => p.replace(/\/[^/]*$/, "") || "/";
/** An entry's path as the list gives it, as a workspace path (some answers carry the /workspace prefix). */
export const rel = (p: string) => p.replace(/^\/workspace(?=\/|$)/, "") || "/";

/** Every level from /workspace down to `dir`, each with the path it opens. */
export function crumbs(dir: string): Array<{ label: string; path: string }> {
  const parts = dir.split("/").filter(Boolean);
  return [{ label: "workspace", path: "/" }, ...parts.map((label, i) => ({ label, path: `/${parts.slice(0, i + 1).join("/")}` }))];
}

/** A name typed by a person: one path component, no slash, not . or .. */
export function nameProblem(name: string): string | null {
  if (!name.trim()) return "Give it a name.";
  if (name.includes("/")) return "A name cannot contain “/”.";
  if (name === "." || name === "..") return "That name is reserved.";
  return null;
}
