import { Fragment, memo, useMemo, type ReactNode } from "react";
import { parseMarkdown, type Block } from "./blocks";
import type { Inline } from "./inline";

function inlines(xs: Inline[]): ReactNode[] {
  return xs.map((x, k) => {
    switch (x.t) {
      case "text":
        return <Fragment key={k}>{x.v}</Fragment>;
      case "code":
        return <code key={k}>{x.v}</code>;
      case "strong":
        return <strong key={k}>{inlines(x.c)}</strong>;
      case "em":
        return <em key={k}>{inlines(x.c)}</em>;
      case "del":
        return <del key={k}>{inlines(x.c)}</del>;
      case "br":
        return <br key={k} />;
      case "link":
        // The agent's text chooses the URL: a new tab that cannot reach back into the dashboard.
        return (
          <a key={k} href={x.href} target="_blank" rel="noopener noreferrer nofollow">
            {inlines(x.c)}
          </a>
        );
    }
  });
}

function blocks(bs: Block[], tight = false): ReactNode[] {
  return bs.map((b, k) => {
    switch (b.t) {
      case "p":
        return tight ? <Fragment key={k}>{inlines(b.c)}</Fragment> : <p key={k}>{inlines(b.c)}</p>;
      case "h": {
        // The transcript sits under the page's own h1/h2: its headings start lower.
        const H = `h${Math.min(6, b.level + 2)}` as "h3";
        return <H key={k}>{inlines(b.c)}</H>;
      }
      case "code":
        return (
          <pre key={k} className="md-code" data-lang={b.lang ?? undefined} tabIndex={0}>
            <code>{b.v}</code>
          </pre>
        );
      case "list": {
        const items = b.items.map((it, j) => <li key={j}>{blocks(it, b.tight)}</li>);
        return b.ordered ? (
          <ol key={k} start={b.start === 1 ? undefined : b.start}>
            {items}
          </ol>
        ) : (
          <ul key={k}>{items}</ul>
        );
      }
      case "quote":
        return <blockquote key={k}>{blocks(b.c)}</blockquote>;
      case "hr":
        return <hr key={k} />;
      case "table":
        return (
          <div key={k} className="md-table" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  {b.head.map((c, j) => (
                    <th key={j} style={b.align[j] ? { textAlign: b.align[j]! } : undefined}>
                      {inlines(c)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {b.rows.map((r, i) => (
                  <tr key={i}>
                    {r.map((c, j) => (
                      <td key={j} style={b.align[j] ? { textAlign: b.align[j]! } : undefined}>
                        {inlines(c)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
    }
  });
}

/** Markdown as React elements: text is always text, links only http(s) and mailto. */
export const Markdown = memo(function Markdown({ text, className }: { text: string; className?: string }) {
  const parsed = useMemo(() => parseMarkdown(text), [text]);
  return <div className={className ? `md ${className}` : "md"}>{blocks(parsed)}</div>;
});
