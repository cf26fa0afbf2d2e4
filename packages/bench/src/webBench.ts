import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { summarize, timed, type Row } from "./stats.js";

/** The page's globals a predicate reads (this package is compiled without the DOM library). */
type InPage = { document: { querySelectorAll(selector: string): { length: number } } };

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * What the first page costs on the wire in a fresh browser (empty cache): the bytes each response
 * took on the network (Chrome's encodedDataLength: headers and the body as sent, compressed or not),
 * summed by resource type. The dashboard's answer to Lighthouse's "transfer size".
 */
export async function firstPageTransfer(browser: Browser, base: string): Promise<{ total: number; script: number; encodings: string[] }> {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send("Network.enable");
    const types = new Map<string, string>();
    const encodings = new Set<string>();
    let total = 0;
    let script = 0;
    cdp.on("Network.responseReceived", (e) => {
      types.set(e.requestId, e.type);
      const enc = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === "content-encoding")?.[1];
      if (e.type === "Script") encodings.add(String(enc ?? "identity"));
    });
    cdp.on("Network.loadingFinished", (e) => {
      total += e.encodedDataLength;
      if (types.get(e.requestId) === "Script") script += e.encodedDataLength;
    });
    await page.goto(base, { waitUntil: "networkidle" });
    return { total, script, encodings: [...encodings] };
  } finally {
    await ctx.close();
  }
}

/**
 * Navigation to a populated spaces list in Debian's chromium (a fresh page each time, the key
 * already in localStorage, the HTTP cache warm as for a returning user), side by side with one
 * GET /api/spaces from Node: the difference is what the dashboard costs on top of the API.
 */
export const launchChromium = () => chromium.launch({ executablePath: CHROMIUM, args: ARGS });

export async function benchWeb(base: string, key: string, expected: number, iterations: number): Promise<Row[] | string> {
  if (!existsSync(CHROMIUM)) return `skipped: ${CHROMIUM} is missing (apt-get install chromium)`;
  const browser = await launchChromium();
  try {
    const wire = await firstPageTransfer(browser, base);
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
          // A function, not a string: the dashboard's CSP has no 'unsafe-eval', and a string predicate is eval'd in the page.
          const h = await p.waitForFunction((n) => (globalThis as unknown as InPage).document.querySelectorAll("li[data-space]").length >= n && performance.now(), expected, { polling: "raf", timeout: 60_000 });
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
        extra: `chromium, fresh page, warm cache; driver's clock. First page, empty cache: ${(wire.total / 1024).toFixed(1)} KiB transferred, ${(wire.script / 1024).toFixed(1)} KiB of it script (${wire.encodings.join(", ")})`,
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
