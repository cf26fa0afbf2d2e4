import { parseInline, type Inline } from "./inline";

/**
 * The Markdown an agent writes, as data: paragraphs, headings, fenced code, lists, quotes, rules
 * and tables. Raw HTML is not a block here; it stays text.
 */
export type Block =
  | { t: "p"; c: Inline[] }
  | { t: "h"; level: 1 | 2 | 3 | 4 | 5 | 6; c: Inline[] }
  | { t: "code"; lang: string | null; v: string }
  | { t: "list"; ordered: boolean; start: number; tight: boolean; items: Block[][] }
  | { t: "quote"; c: Block[] }
  | { t: "hr" }
  | { t: "table"; align: Array<"left" | "center" | "right" | null>; head: Inline[][]; rows: Inline[][][] };

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST = /^( {0,3})([-*+]|\d{1,9}[.)])(\s+|$)(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
// Quotes in quotes in lists…: past this the rest is a paragraph, so a hostile text cannot blow the stack.
const MAX_DEPTH = 16;

const blank = (l: string) => l.trim() === "";
const indentOf = (l: string) => l.length - l.trimStart().length;

function splitRow(line: string): string[] {
  const t = line.trim().replace(/^\|/, "").replace(/(?<!\\)\|$/, "");
  return t.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

function isTableStart(lines: string[], i: number): boolean {
  const next = lines[i + 1];
  return lines[i]!.includes("|") && next !== undefined && next.includes("-") && TABLE_SEP.test(next);
}

function startsBlock(lines: string[], i: number): boolean {
  const l = lines[i]!;
  return FENCE.test(l) || HEADING.test(l) || RULE.test(l) || QUOTE.test(l) || LIST.test(l) || isTableStart(lines, i);
}

interface ListMarker {
  indent: number;
  ordered: boolean;
  bullet: string;
  start: number;
  /** Column where the item's content starts: deeper lines belong to the item. */
  content: number;
  first: string;
}

function marker(line: string): ListMarker | null {
  const m = LIST.exec(line);
  if (!m) return null;
  const [, ind, mark, gap, rest] = m as unknown as [string, string, string, string, string];
  const ordered = /\d/.test(mark);
  // More than four spaces after the marker: the content starts one space in, the rest is its indentation.
  const g = gap.length > 4 || rest === "" ? 1 : gap.length;
  return { indent: ind.length, ordered, bullet: ordered ? mark.slice(-1) : mark, start: ordered ? Number.parseInt(mark, 10) : 1, content: ind.length + mark.length + g, first: gap.length > 4 ? gap.slice(1) + rest : rest };
}

function parseList(lines: string[], i: number, depth: number): [Block, number] {
  const first = marker(lines[i]!)!;
  const items: Block[][] = [];
  let tight = true;
  while (i < lines.length) {
    const m = marker(lines[i]!);
    if (!m || m.ordered !== first.ordered || m.bullet !== first.bullet || m.indent >= first.content) break;
    const body = [m.first];
    i++;
    let sawBlank = false;
    while (i < lines.length) {
      const l = lines[i]!;
      if (blank(l)) {
        sawBlank = true;
        body.push("");
        i++;
        continue;
      }
      if (indentOf(l) >= m.content) body.push(l.slice(m.content));
      // A lazy line: the paragraph of the item goes on without indentation.
      else if (!sawBlank && !startsBlock(lines, i)) body.push(l.trim());
      else break;
      sawBlank = false;
      i++;
    }
    while (body.length && blank(body[body.length - 1]!)) {
      body.pop();
      if (i < lines.length && marker(lines[i]!)) tight = false;
    }
    if (body.some((l, k) => blank(l) && k > 0 && k < body.length - 1)) tight = false;
    items.push(parseBlocks(body, depth + 1));
  }
  return [{ t: "list", ordered: first.ordered, start: first.start, tight, items }, i];
}

function parseBlocks(lines: string[], depth: number): Block[] {
  const out: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (blank(l)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(l);
    if (fence) {
      const [, ind, mark, lang] = fence as unknown as [string, string, string, string];
      const body: string[] = [];
      i++;
      const closes = new RegExp(`^ {0,3}${mark[0] === "`" ? "`" : "~"}{${mark.length},}\\s*$`);
      while (i < lines.length && !closes.test(lines[i]!)) {
        const b = lines[i]!;
        body.push(b.slice(Math.min(ind.length, indentOf(b))));
        i++;
      }
      i++;
      out.push({ t: "code", lang: lang || null, v: body.join("\n") });
      continue;
    }
    const h = HEADING.exec(l);
    if (h) {
      out.push({ t: "h", level: h[1]!.length as 1, c: parseInline(h[2] ?? "") });
      i++;
      continue;
    }
    if (RULE.test(l)) {
      out.push({ t: "hr" });
      i++;
      continue;
    }
    if (depth < MAX_DEPTH && QUOTE.test(l)) {
      const body: string[] = [];
      while (i < lines.length && (QUOTE.test(lines[i]!) || (!blank(lines[i]!) && body.length && !blank(body[body.length - 1]!) && !startsBlock(lines, i)))) {
        body.push(lines[i]!.replace(QUOTE, ""));
        i++;
      }
      out.push({ t: "quote", c: parseBlocks(body, depth + 1) });
      continue;
    }
    if (depth < MAX_DEPTH && LIST.test(l)) {
      const [list, next] = parseList(lines, i, depth);
      out.push(list);
      i = next;
      continue;
    }
    if (isTableStart(lines, i)) {
      const head = splitRow(l);
      const align = splitRow(lines[i + 1]!).map((c) => (c.startsWith(":") && c.endsWith(":") ? "center" : c.endsWith(":") ? "right" : c.startsWith(":") ? "left" : null));
      const rows: Inline[][][] = [];
      i += 2;
      while (i < lines.length && !blank(lines[i]!) && lines[i]!.includes("|")) {
        const cells = splitRow(lines[i]!);
        rows.push(head.map((_, k) => parseInline(cells[k] ?? "")));
        i++;
      }
      out.push({ t: "table", align: head.map((_, k) => align[k] ?? null), head: head.map((c) => parseInline(c)), rows });
      continue;
    }
    const para = [l.trim()];
    i++;
    while (i < lines.length && !blank(lines[i]!) && !startsBlock(lines, i)) para.push(lines[i++]!.trim());
    out.push({ t: "p", c: parseInline(para.join("\n")) });
  }
  return out;
}

export function parseMarkdown(text: string): Block[] {
  return parseBlocks(text.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n"), 0);
}
