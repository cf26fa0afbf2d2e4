/** Inline Markdown as data: React renders it as elements, so no text ever becomes HTML. */
export type Inline =
  | { t: "text"; v: string }
  | { t: "code"; v: string }
  | { t: "strong"; c: Inline[] }
  | { t: "em"; c: Inline[] }
  | { t: "del"; c: Inline[] }
  | { t: "link"; href: string; c: Inline[] }
  | { t: "br" };

// javascript:, data: and the like never become a link; neither do relative paths, which would
// navigate inside the dashboard to pages that do not exist.
const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
export const safeHref = (href: string): string | null => (SAFE_HREF.test(href.trim()) ? href.trim() : null);

const PUNCT_ESCAPABLE = /[\\`*_{}[\]()#+\-.!|~<>"']/;
const BARE_URL = /^https?:\/\/[^\s<]*[^\s<.,:;"')\]!?*_~]/i;
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/** Past a code span opening at `i` (a run of backticks), or -1 when it never closes. */
function codeSpanEnd(s: string, i: number): { end: number; inner: string } | null {
  let n = 0;
  while (s[i + n] === "`") n++;
  const ticks = "`".repeat(n);
  let j = s.indexOf(ticks, i + n);
  while (j !== -1) {
    let m = 0;
    while (s[j + m] === "`") m++;
    if (m === n) {
      let inner = s.slice(i + n, j);
      if (inner.length > 1 && inner.startsWith(" ") && inner.endsWith(" ") && inner.trim()) inner = inner.slice(1, -1);
      return { end: j + n, inner };
    }
    j = s.indexOf(ticks, j + m);
  }
  return null;
}

/** The index of a closing delimiter for an emphasis opened before `from`, skipping code spans and escapes. */
function findClose(s: string, from: number, delim: string): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "`") {
      const span = codeSpanEnd(s, i);
      if (span) i = span.end - 1;
      continue;
    }
    if (!s.startsWith(delim, i) || isSpace(s[i - 1])) continue;
    // "*a **b** c*": a lone * must not close on half of a **, nor ** on the first two of ***
    if (delim.length === 1 && (s[i + 1] === delim || s[i - 1] === delim)) {
      if (s[i + 1] === delim) i++;
      continue;
    }
    if (delim[0] === "_" && isWord(s[i + delim.length])) continue;
    // "***both***": the strong closes on the last two, leaving "*both*" inside for the em
    if (delim.length === 2) while (s[i + 2] === delim[0]) i++;
    return i;
  }
  return -1;
}

/** `[text](url)` at `i`: the text, the url and where it ends; null when it is not one. */
function linkAt(s: string, i: number): { text: string; href: string; end: number } | null {
  let depth = 0;
  let j = i;
  for (; j < s.length; j++) {
    if (s[j] === "\\") j++;
    else if (s[j] === "[") depth++;
    else if (s[j] === "]" && --depth === 0) break;
  }
  if (j >= s.length || s[j + 1] !== "(") return null;
  const close = s.indexOf(")", j + 2);
  if (close === -1) return null;
  // A title ("…") after the URL is allowed and dropped.
  const href = s.slice(j + 2, close).trim().split(/\s+/)[0] ?? "";
  return { text: s.slice(i + 1, j), href: href.replace(/^<|>$/g, ""), end: close + 1 };
}

const EMPHASIS: Array<[string, "strong" | "em" | "del"]> = [
  ["**", "strong"],
  ["__", "strong"],
  ["~~", "del"],
  ["*", "em"],
  ["_", "em"],
];

// Emphasis in emphasis in links…: deeper than this is text, so "****…" cannot recurse thousands deep.
const MAX_DEPTH = 8;

export function parseInline(s: string, depth = 0): Inline[] {
  if (depth > MAX_DEPTH) return s ? [{ t: "text", v: s }] : [];
  const out: Inline[] = [];
  let buf = "";
  const flush = () => {
    if (buf) out.push({ t: "text", v: buf });
    buf = "";
  };
  let i = 0;
  outer: while (i < s.length) {
    const c = s[i]!;
    if (c === "\\" && s[i + 1] === "\n") {
      flush();
      out.push({ t: "br" });
      i += 2;
      continue;
    }
    if (c === "\\" && PUNCT_ESCAPABLE.test(s[i + 1] ?? "")) {
      buf += s[i + 1];
      i += 2;
      continue;
    }
    if (c === "\n") {
      flush();
      out.push({ t: "br" });
      i++;
      continue;
    }
    if (c === "`") {
      const span = codeSpanEnd(s, i);
      if (span) {
        flush();
        out.push({ t: "code", v: span.inner.replace(/\n/g, " ") });
        i = span.end;
        continue;
      }
      let n = 0;
      while (s[i + n] === "`") n++;
      buf += s.slice(i, i + n);
      i += n;
      continue;
    }
    // An image would load from anywhere the text says: it shows as a link to it instead.
    if ((c === "[" || (c === "!" && s[i + 1] === "[")) && !(c === "!" && s[i - 1] === "\\")) {
      const at = c === "!" ? i + 1 : i;
      const l = linkAt(s, at);
      const href = l && safeHref(l.href);
      if (l && href) {
        flush();
        out.push({ t: "link", href, c: parseInline(l.text || href, depth + 1) });
        i = l.end;
        continue;
      }
    }
    if (c === "<") {
      const m = /^<((?:https?:\/\/|mailto:)[^\s<>]+)>/i.exec(s.slice(i));
      if (m) {
        flush();
        out.push({ t: "link", href: m[1]!, c: [{ t: "text", v: m[1]! }] });
        i += m[0].length;
        continue;
      }
    }
    if ((c === "h" || c === "H") && !isWord(s[i - 1])) {
      const m = BARE_URL.exec(s.slice(i));
      if (m) {
        flush();
        out.push({ t: "link", href: m[0], c: [{ t: "text", v: m[0] }] });
        i += m[0].length;
        continue;
      }
    }
    for (const [d, t] of EMPHASIS) {
      if (!s.startsWith(d, i) || isSpace(s[i + d.length])) continue;
      if (d[0] === "_" && isWord(s[i - 1])) continue;
      const close = findClose(s, i + d.length, d);
      if (close === -1) continue;
      flush();
      out.push({ t, c: parseInline(s.slice(i + d.length, close), depth + 1) });
      i = close + d.length;
      continue outer;
    }
    buf += c;
    i++;
  }
  flush();
  return out;
}
