import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { parseMarkdown } from "../../src/components/markdown/blocks";
import { parseInline } from "../../src/components/markdown/inline";
import { Markdown } from "../../src/components/markdown/Markdown";

afterEach(cleanup);
const html = (text: string) => render(<Markdown text={text} />).container.firstElementChild!.innerHTML;

describe("parseInline", () => {
  it("reads bold, italic, strike and code, and leaves snake_case and lone stars alone", () => {
    expect(parseInline("**bold** and *it* and _also_ and ~~gone~~ and `a*b*c`")).toEqual([
      { t: "strong", c: [{ t: "text", v: "bold" }] },
      { t: "text", v: " and " },
      { t: "em", c: [{ t: "text", v: "it" }] },
      { t: "text", v: " and " },
      { t: "em", c: [{ t: "text", v: "also" }] },
      { t: "text", v: " and " },
      { t: "del", c: [{ t: "text", v: "gone" }] },
      { t: "text", v: " and " },
      { t: "code", v: "a*b*c" },
    ]);
    expect(parseInline("call my_var_name with 2 * 3 * 4")).toEqual([{ t: "text", v: "call my_var_name with 2 * 3 * 4" }]);
    expect(parseInline("***both***")).toEqual([{ t: "strong", c: [{ t: "em", c: [{ t: "text", v: "both" }] }] }]);
    expect(parseInline("\\*not em\\*")).toEqual([{ t: "text", v: "*not em*" }]);
  });

  it("makes links only of http(s) and mailto, and images links to them", () => {
    expect(parseInline("[docs](https://example.com/a)")).toEqual([{ t: "link", href: "https://example.com/a", c: [{ t: "text", v: "docs" }] }]);
    expect(parseInline("[x](javascript:alert(1))")).toEqual([{ t: "text", v: "[x](javascript:alert(1))" }]);
    expect(parseInline("[x](/api/spaces)")).toEqual([{ t: "text", v: "[x](/api/spaces)" }]);
    expect(parseInline("![logo](https://e.com/l.png)")).toEqual([{ t: "link", href: "https://e.com/l.png", c: [{ t: "text", v: "logo" }] }]);
    expect(parseInline("see https://e.com/x, then")).toEqual([{ t: "text", v: "see " }, { t: "link", href: "https://e.com/x", c: [{ t: "text", v: "https://e.com/x" }] }, { t: "text", v: ", then" }]);
  });
});

describe("parseMarkdown", () => {
  it("splits paragraphs, fenced code, headings, lists, quotes and tables", () => {
    const md = ["# Title", "", "one", "two", "", "```ts", "const a = 1;", "", "  indented", "```", "- a", "- b", "  - nested", "", "3. three", "4. four", "> quoted", "", "| k | v |", "|:--|--:|", "| a | 1 |"].join("\n");
    const bs = parseMarkdown(md);
    expect(bs.map((b) => b.t)).toEqual(["h", "p", "code", "list", "list", "quote", "table"]);
    expect(bs[1]).toEqual({ t: "p", c: [{ t: "text", v: "one" }, { t: "br" }, { t: "text", v: "two" }] });
    expect(bs[2]).toEqual({ t: "code", lang: "ts", v: "const a = 1;\n\n  indented" });
    const ul = bs[3] as Extract<(typeof bs)[number], { t: "list" }>;
    expect(ul.ordered).toBe(false);
    expect(ul.items).toHaveLength(2);
    expect(ul.items[1]!.map((b) => b.t)).toEqual(["p", "list"]);
    expect(bs[4]).toMatchObject({ t: "list", ordered: true, start: 3 });
    expect(bs[6]).toMatchObject({ t: "table", align: ["left", "right"], head: [[{ t: "text", v: "k" }], [{ t: "text", v: "v" }]] });
  });

  it("keeps an unclosed fence's text as code to the end", () => {
    expect(parseMarkdown("```\nstill streaming")).toEqual([{ t: "code", lang: null, v: "still streaming" }]);
  });

  it("survives deep nesting without blowing the stack", () => {
    expect(() => parseMarkdown(">".repeat(5000) + " x")).not.toThrow();
    const stars = parseInline("*".repeat(20_000) + "x" + "*".repeat(20_000));
    expect(JSON.stringify(stars)).toContain("x");
  });
});

describe("<Markdown>", () => {
  it("renders elements, with links that open apart from the dashboard", () => {
    const out = html("Hi **there**, see [the docs](https://example.com).\n\n1. one\n2. two");
    expect(out).toBe(
      '<p>Hi <strong>there</strong>, see <a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">the docs</a>.</p><ol><li>one</li><li>two</li></ol>',
    );
  });

  it("never turns the text's HTML into elements", () => {
    const { container } = render(<Markdown text={'<img src=x onerror="alert(1)"> <script>alert(2)</script>\n\n```html\n<b>code</b>\n```'} />);
    expect(container.querySelector("img, script, b")).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(container.querySelector("pre code")!.textContent).toBe("<b>code</b>");
  });

  it("puts headings under the page's own and wide tables in their own scroller", () => {
    const { container } = render(<Markdown text={"# Big\n\n| a | b |\n|---|---|\n| 1 | 2 |"} />);
    expect(container.querySelector("h3")!.textContent).toBe("Big");
    expect(container.querySelector(".md-table > table td")!.textContent).toBe("1");
  });
});
