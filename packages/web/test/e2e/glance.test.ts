import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { AllStats, SystemInfo } from "@clawdspace/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytes } from "../../src/components/format";
import { browserAvailable, engineAvailable, launchBrowser, SHOTS, spaceName, startServer, unnamedControls, type DashboardServer } from "./support.js";

const VIEWPORTS = [
  { label: "desktop", width: 1280, height: 860 },
  { label: "phone", width: 390, height: 844 },
] as const;

const cpuOf = async (page: Page, space: string) => Number.parseFloat((await page.locator(`li[data-space="${space}"] [data-testid="cpu"]`).innerText()).replace(/^CPU\s*/, "")) || 0;
const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe.skipIf(!engineAvailable || !browserAvailable)("the machine and every space at a glance, in a real browser on the real engine", () => {
  let server: DashboardServer;
  let browser: Browser;
  const busy = spaceName("busy");
  const idle = spaceName("idle");

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    for (const name of [busy, idle]) await server.api("/api/spaces", { method: "POST", json: { name, memory: "128m" } });
    // A CPU loop as a background task: it outlives the request that started it.
    await server.api(`/api/spaces/${busy}/tasks`, { method: "POST", json: { command: "while :; do :; done", keepAwake: true } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const vp of VIEWPORTS) {
    it(`meters, live load, files, the destroy dialog and the live audit page (${vp.label}, ${vp.width} px)`, async () => {
      const ctx: BrowserContext = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      await ctx.addInitScript(`localStorage.setItem("clawdspace.key", ${JSON.stringify(server.key)})`);
      const page = await ctx.newPage();
      const shot = async (name: string) => {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(SHOTS, `glance-${vp.label}-${name}.png`), fullPage: true });
      };
      const fits = async (where: string) => {
        expect(await scrollWidth(page), `horizontal overflow on ${where}`).toBeLessThanOrEqual(vp.width);
        expect(await unnamedControls(page), `controls without a name on ${where}`).toEqual([]);
      };
      try {
        // System: the meters' figures are GET /api/system's, in words.
        await page.goto(`${server.url}/system`);
        await page.getByRole("meter", { name: "Memory" }).waitFor();
        const sys = await server.api<SystemInfo>("/api/system");
        const memMeter = page.getByRole("meter", { name: "Memory" });
        expect(await memMeter.getAttribute("aria-valuetext")).toContain(`of ${bytes(sys.bytes.memory.total)} used`);
        expect(Math.abs(Number(await memMeter.getAttribute("aria-valuenow")) - (sys.bytes.memory.used / sys.bytes.memory.total) * 100)).toBeLessThanOrEqual(3);
        expect(await page.getByRole("meter", { name: "CPU load (1 min)" }).getAttribute("aria-valuetext")).toContain(`of ${sys.cpus} CPU`);
        if (sys.bytes.disk) {
          const disk = page.getByRole("meter", { name: "Disk" });
          expect(await disk.getAttribute("aria-valuetext")).toContain(`of ${bytes(sys.bytes.disk.total)} used`);
          expect(Math.abs(Number(await disk.getAttribute("aria-valuenow")) - (sys.bytes.disk.used / sys.bytes.disk.total) * 100)).toBeLessThanOrEqual(2);
        }
        await expect.poll(async () => Number(await page.getByTestId("total-running").innerText())).toBeGreaterThanOrEqual(2);
        expect(await page.getByText("Docker version").count()).toBe(1);
        expect(await page.getByText(sys.docker.version, { exact: true }).count()).toBe(1);
        expect(await page.locator("dt", { hasText: /^containersRunning$|^apiVersion$|^percentage$/ }).count()).toBe(0);
        await fits("system");
        await shot("system");

        // Spaces: the CPU loop reads higher than the idle space, live, with no reload.
        await page.getByRole("link", { name: "Spaces", exact: true }).click();
        await page.locator(`li[data-space="${busy}"] [data-testid="cpu"]`).waitFor({ timeout: 30_000 });
        const navigations: string[] = [];
        page.on("framenavigated", (f) => f === page.mainFrame() && navigations.push(f.url()));
        await expect.poll(async () => (await cpuOf(page, busy)) - (await cpuOf(page, idle)), { timeout: 45_000, interval: 1000 }).toBeGreaterThan(30);
        expect(navigations).toEqual([]);
        const load = await server.api<AllStats>("/api/stats");
        expect(load.stats.find((s) => s.name === busy)!.cpuPercent!).toBeGreaterThan(30);
        await page.locator(`li[data-space="${busy}"] svg.sparkline path`).waitFor({ timeout: 60_000 });
        await fits("spaces");
        await shot("spaces");

        // Destroy asks in words what goes; Escape closes it and focus returns to its button.
        const destroy = page.getByRole("button", { name: `Destroy ${idle}` });
        await destroy.click();
        const dialog = page.getByRole("alertdialog", { name: `Destroy ${idle}?` });
        await dialog.waitFor();
        expect(await dialog.innerText()).toMatch(/container of .* goes/);
        expect(await dialog.innerText()).toContain(`clawdspace-vol-${idle}`);
        await page.getByLabel("Also delete the volume and its files").check();
        expect(await dialog.innerText()).toMatch(/volume .* goes too, with every file in \/workspace/);
        await page.keyboard.press("Tab");
        await page.keyboard.press("Tab");
        await page.keyboard.press("Tab");
        expect(await page.evaluate(() => !!document.activeElement?.closest("[role=alertdialog]"))).toBe(true);
        expect(await unnamedControls(page)).toEqual([]);
        await shot("destroy-dialog");
        await page.keyboard.press("Escape");
        await dialog.waitFor({ state: "detached" });
        expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(`Destroy ${idle}`);

        // Files: a folder by the in-page form, breadcrumbs, a drop upload with progress, a rename.
        await page.goto(`${server.url}/spaces/${idle}?tab=files`);
        await page.getByRole("button", { name: "New folder" }).click();
        await page.getByLabel("New folder name").fill(`in-${vp.label}`);
        await page.getByRole("button", { name: "Create", exact: true }).click();
        await page.locator(`[data-file="in-${vp.label}"] button`).first().click();
        const crumbs = page.getByRole("navigation", { name: "Folder" });
        await expect.poll(() => crumbs.locator("li").allInnerTexts()).toEqual(["workspace", `in-${vp.label}`]);
        expect(await crumbs.locator('[aria-current="page"]').innerText()).toBe(`in-${vp.label}`);
        const content = `dropped from ${vp.label}\n`.repeat(20_000);
        const dt = await page.evaluateHandle(
          ([text, name]) => {
            const d = new DataTransfer();
            d.items.add(new File([text], name, { type: "text/plain" }));
            return d;
          },
          [content, `drop-${vp.label}.txt`] as const,
        );
        await page.dispatchEvent('[data-testid="files-drop"]', "dragover", { dataTransfer: dt });
        await page.dispatchEvent('[data-testid="files-drop"]', "drop", { dataTransfer: dt });
        await page.getByRole("status").filter({ hasText: `Uploaded drop-${vp.label}.txt` }).waitFor({ timeout: 30_000 });
        expect(Number(await page.locator("#upload-bar").getAttribute("value"))).toBe(Buffer.byteLength(content));
        await page.locator(`[data-file="drop-${vp.label}.txt"]`).waitFor();
        const size = await page.locator(`[data-file="drop-${vp.label}.txt"] td.num`).innerText();
        expect(size).toBe(bytes(Buffer.byteLength(content)));
        await page.getByRole("button", { name: `Rename drop-${vp.label}.txt` }).click();
        await page.getByLabel(`New name for drop-${vp.label}.txt`).fill(`renamed-${vp.label}.txt`);
        await page.getByRole("button", { name: "Rename", exact: true }).click();
        await page.locator(`[data-file="renamed-${vp.label}.txt"]`).waitFor();
        expect(await page.locator(`[data-file="drop-${vp.label}.txt"]`).count()).toBe(0);
        const read = await server.api<{ contentBase64: string; size: number }>(`/api/spaces/${idle}/file?path=/in-${vp.label}/renamed-${vp.label}.txt&maxBytes=1048576`);
        expect(read.size).toBe(Buffer.byteLength(content));
        await fits("files");
        await shot("files");
        await crumbs.getByRole("button", { name: "workspace" }).click();
        await page.locator(`[data-file="in-${vp.label}"]`).waitFor();

        // Audit: the type filter is the server's list; an exec made through the API shows without a reload.
        await page.getByRole("link", { name: "Audit" }).click();
        await page.getByLabel("Type").locator("option", { hasText: "space.file.rename" }).waitFor({ state: "attached" });
        const types = await page.getByLabel("Type").locator("option").allInnerTexts();
        const server_types = (await server.api<{ types: string[] }>("/api/audit/types")).types;
        expect(types).toEqual(["any", ...server_types]);
        await page.locator(".audit-list li").first().waitFor();
        const marker = `audit-live-${vp.label}-${Date.now()}`;
        await server.api(`/api/spaces/${idle}/exec`, { method: "POST", json: { command: ["echo", marker] } });
        await page.locator(".audit-list li", { hasText: marker }).waitFor({ timeout: 20_000 });
        expect(await page.locator(".audit-list li", { hasText: marker }).locator("code").innerText()).toBe("space.exec");
        await fits("audit");
        await shot("audit");
      } catch (err) {
        await shot("failure").catch(() => {});
        throw err;
      } finally {
        await ctx.close();
      }
    });
  }
});
