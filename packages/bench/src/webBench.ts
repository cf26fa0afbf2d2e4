import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { summarize, timed, type Row } from "./stats.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Navigation to a populated spaces list in Debian's chromium (a fresh page each time, the key
 * already in localStorage, the HTTP cache warm as for a returning user), side by side with one
 * GET /api/spaces from Node: the difference is what the dashboard costs on top of the API.
 */
export async function benchWeb(base: string, key: string, expected: number, iterations: number): Promise<Row[] | string> {
  if (!existsSync(CHROMIUM)) return `skipped: ${CHROMIUM} is missing (apt-get install chromium)`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await ctx.addInitScript(`localStorage.setItem("clawdspace.key", ${JSON.stringify(key)})`);
    const warm = await ctx.newPage();
    await warm.goto(base);
    await warm.locator("li[data-space]").nth(expected - 1).waitFor({ timeout: 60_000 });
    await warm.close();
    const page: number[] = [];
    const inPage: number[] = [];
    const api: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const p = await ctx.newPage();
      let rendered = 0;
      page.push(
        await timed(async () => {
          await p.goto(base, { waitUntil: "commit" });
          // The browser's own clock: navigation start to the frame where the 50th row exists.
          const h = await p.waitForFunction(`document.querySelectorAll("li[data-space]").length >= ${expected} && performance.now()`, undefined, { polling: "raf", timeout: 60_000 });
          rendered = (await h.jsonValue()) as number;
        }),
      );
      inPage.push(rendered);
      await p.close();
      api.push(await timed(async () => (await fetch(`${base}/api/spaces`, { headers: { authorization: `Bearer ${key}` } })).json()));
    }
    return [
      {
        case: `navigation to a list of ${expected} spaces`,
        ours: summarize(page),
        baseline: summarize(api),
        baselineName: "GET /api/spaces (Node)",
        extra: "chromium, fresh page, warm cache; driver's clock",
      },
      {
        case: `same, browser clock (navigation start to rendered rows)`,
        ours: summarize(inPage),
        baseline: summarize(api),
        baselineName: "GET /api/spaces (Node)",
        extra: "performance.now() at the first frame with every row",
      },
    ];
  } finally {
    await browser.close();
  }
}
