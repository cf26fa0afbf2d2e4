import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { inject } from "vitest";
import { spawnServer, type ServerProcess } from "../../../api/test/support/serverProcess.js";

declare module "vitest" {
  export interface ProvidedContext {
    engine: boolean;
    runId: string;
  }
}

export const engineAvailable = inject("engine");
export const runId = inject("runId");
const WEB = fileURLToPath(new URL("../../dist/index.html", import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SHOTS = fileURLToPath(new URL("../../test-results/screenshots/", import.meta.url));

if (!existsSync(WEB)) throw new Error(`the dashboard is not built (${WEB} is missing): run npm run build first`);

/** Debian's chromium, never a downloaded browser; with CI=true a missing one is a failure. */
export const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable && process.env.CI === "true") throw new Error(`${CHROMIUM} is missing: apt-get install chromium (CI=true, so the browser tier cannot be skipped)`);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface DashboardServer extends ServerProcess {
  api<T = unknown>(path: string, init?: { method?: string; json?: unknown }): Promise<T>;
}

/** The real server binary serving the built dashboard; everything it makes carries this run's label. */
export async function startServer(env: Record<string, string> = {}): Promise<DashboardServer> {
  mkdirSync(SHOTS, { recursive: true });
  const server = await spawnServer(runId, env);
  return {
    ...server,
    api: async (path, init = {}) => {
      const res = await fetch(server.url + path, {
        method: init.method ?? "GET",
        headers: { authorization: `Bearer ${server.key}`, ...(init.json === undefined ? {} : { "content-type": "application/json" }) },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      });
      if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as never;
    },
  };
}

export function spaceName(prefix: string): string {
  return `t${runId}-${prefix}-${randomBytes(2).toString("hex")}`;
}

const NEEDS_NAME = new Set(["button", "link", "textbox", "combobox", "checkbox", "meter", "img", "progressbar", "dialog", "alertdialog", "navigation", "tab"]);

/**
 * Controls and images with no accessible name, from chromium's own accessibility tree (what a screen
 * reader is given). No Lighthouse or axe here: this is the part of their audit a page most often fails.
 */
export async function unnamedControls(page: import("playwright-core").Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send("Accessibility.getFullAXTree")) as { nodes: Array<{ ignored?: boolean; role?: { value?: string }; name?: { value?: string } }> };
    return nodes.filter((n) => !n.ignored && NEEDS_NAME.has(String(n.role?.value)) && !String(n.name?.value ?? "").trim()).map((n) => String(n.role?.value));
  } finally {
    await cdp.detach();
  }
}
