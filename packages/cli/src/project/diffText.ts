/** Control characters (escape sequences above all) from a space, made visible instead of obeyed; tabs stay. */
export function terminalSafe(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\x00-\x08\x0b-\x1f\x7f\x9b]/g, (c) => `^${String.fromCharCode((c.charCodeAt(0) + 64) % 128)}`);
}

const SGR = { add: "\x1b[32m", del: "\x1b[31m", hunk: "\x1b[36m", head: "\x1b[1m", off: "\x1b[0m" };

/** A diff line in colour, as git colours them (only at a terminal, only when colour is on). */
export function colourDiff(line: string, colour: boolean): string {
  if (!colour) return line;
  const paint = (code: string) => `${code}${line}${SGR.off}`;
  if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff --git") || line.startsWith("commit ") || line.startsWith("# ")) return paint(SGR.head);
  if (line.startsWith("+")) return paint(SGR.add);
  if (line.startsWith("-")) return paint(SGR.del);
  if (line.startsWith("@@")) return paint(SGR.hunk);
  return line;
}
