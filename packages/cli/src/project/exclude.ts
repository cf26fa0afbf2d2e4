/**
 * --exclude patterns, read as .gitignore reads them: a pattern without a slash matches a name at
 * any depth, one with a slash (or a leading one) matches from the folder's top; a trailing slash
 * matches folders only; `*` and `?` stay within a name, `**` crosses folders. A matched folder is
 * left out with everything under it.
 */
export type Excluder = (rel: string, isDir: boolean) => boolean;

function toRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}

export function compileExcludes(patterns: string[]): Excluder {
  const rules = patterns
    .map((p) => p.trim())
    .filter((p) => p && !p.startsWith("#"))
    .map((p) => {
      const dirOnly = p.endsWith("/");
      const body = p.replace(/^\/+/, "").replace(/\/+$/, "");
      const anchored = p.startsWith("/") || body.includes("/");
      return { dirOnly, re: new RegExp(`^${anchored ? "" : "(?:.*/)?"}${toRegex(body)}$`) };
    });
  return (rel, isDir) => rules.some((r) => (!r.dirOnly || isDir) && r.re.test(rel));
}
