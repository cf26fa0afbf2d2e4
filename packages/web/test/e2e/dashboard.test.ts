import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, engineAvailable, launchBrowser, SHOTS, spaceName, startServer, type DashboardServer } from "./support.js";

const VIEWPORTS = [
  { label: "desktop", width: 1280, height: 860 },
  { label: "phone", width: 390, height: 844 },
] as const;

const termText = (page: Page) => page.locator(".xterm-rows").innerText();

describe.skipIf(!engineAvailable || !browserAvailable)("the dashboard in a real browser, on the real engine", () => {
  let server: DashboardServer;
  let browser: Browser;

  beforeAll(async () => {
    // A short idle timeout so the sleep worker pauses a space while the test watches the list.
    server = await startServer({ IDLE_TIMEOUT_MS: "6000", SLEEP_CHECK_MS: "1000" });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const vp of VIEWPORTS) {
    it(`signs in, creates, uses the terminal and files, pauses, sees the worker's pause, destroys (${vp.label}, ${vp.width} px)`, async () => {
      const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${vp.label}-${name}.png`), fullPage: true });
      const ctx = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      const page = await ctx.newPage();
      const name = spaceName(`w${vp.label[0]}`);
      const other = spaceName(`s${vp.label[0]}`);
      try {
        // Sign in: a wrong key is refused with a message, the right one is kept.
        await page.goto(server.url);
        await shot("signin");
        await page.getByLabel("API key").fill("not-the-key");
        await page.getByRole("button", { name: "Sign in" }).click();
        await expect.poll(() => page.getByRole("alert").innerText()).toContain("not valid");
        await page.getByLabel("API key").fill(server.key);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("heading", { name: "Spaces" }).waitFor();

        // Create: a bad memory value comes back on the memory field; then a good create.
        await page.getByRole("button", { name: "New space" }).click();
        await page.getByLabel("Name").fill(name);
        await page.getByLabel("Memory").fill("lots");
        await page.getByRole("button", { name: "Create", exact: true }).click();
        await page.locator("#new-memory-err").waitFor();
        await shot("create-error");
        await page.getByLabel("Memory").fill("256m");
        await page.getByRole("button", { name: "Create", exact: true }).click();
        await page.getByRole("heading", { name: new RegExp(name) }).waitFor({ timeout: 120_000 });
        // Held awake for the length of the test, so only the other space is the worker's to pause.
        await page.getByRole("button", { name: `Keep ${name} awake for an hour` }).click();

        // Terminal: a command's output shows.
        const status = page.getByTestId("terminal-status");
        await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe("connected");
        await page.getByTestId("terminal").click();
        await page.keyboard.type("echo web-$((6*7))\n");
        await expect.poll(() => termText(page), { timeout: 30_000 }).toContain("web-42");
        await shot("terminal");
        const before = await page.evaluate((n) => sessionStorage.getItem(`clawdspace.term.${n}`), name);
        expect(JSON.parse(before!).id).toMatch(/./);

        // Reload: the same session comes back with its output, once.
        await page.reload();
        await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe("connected");
        await expect.poll(() => termText(page), { timeout: 30_000 }).toContain("web-42");
        const after = await page.evaluate((n) => sessionStorage.getItem(`clawdspace.term.${n}`), name);
        expect(JSON.parse(after!).id).toBe(JSON.parse(before!).id);
        // the command line reads "echo web-$((6*7))": web-42 is the output alone, and it shows once
        expect((await termText(page)).match(/web-42/g)?.length).toBe(1);

        // Files: upload one and read it back in the editor; the server has the same bytes.
        await page.getByRole("tab", { name: "Files" }).click();
        const local = join(tmpdir(), `upload-${vp.label}.txt`);
        writeFileSync(local, `hello from ${vp.label}\n`);
        await page.getByTestId("upload").setInputFiles(local);
        await page.locator(`[data-file="upload-${vp.label}.txt"] button`).first().click();
        await expect.poll(() => page.getByLabel(`Contents of /upload-${vp.label}.txt`).inputValue()).toBe(`hello from ${vp.label}\n`);
        await shot("files");
        const read = await server.api<{ contentBase64: string }>(`/api/spaces/${name}/file?path=/upload-${vp.label}.txt`);
        expect(Buffer.from(read.contentBase64, "base64").toString()).toBe(`hello from ${vp.label}\n`);

        await page.getByRole("tab", { name: "Stats" }).click();
        await page.locator(".chart svg").first().waitFor();
        await page.waitForTimeout(3500);
        await shot("stats");

        // Pause from the dashboard: the page and the open terminal both say so.
        await page.getByRole("tab", { name: "Terminal" }).click();
        await expect.poll(() => status.innerText(), { timeout: 60_000 }).toBe("connected");
        await page.getByRole("button", { name: `Pause ${name}` }).click();
        await expect.poll(() => page.locator("h1 .badge").innerText(), { timeout: 30_000 }).toBe("paused");
        await expect.poll(() => status.innerText(), { timeout: 30_000 }).toBe("paused");
        await shot("paused");

        // A space made elsewhere appears, and the worker's pause shows, without a reload.
        await page.getByRole("link", { name: "Spaces", exact: true }).click();
        await page.locator(`li[data-space="${name}"]`).waitFor();
        await server.api("/api/spaces", { method: "POST", json: { name: other, memory: "128m" } });
        await page.locator(`li[data-space="${other}"]`).waitFor({ timeout: 30_000 });
        await page.locator(`li[data-space="${other}"][data-state="sleeping"]`).waitFor({ timeout: 60_000 });
        await shot("spaces");

        await page.getByRole("link", { name: "System" }).click();
        await page.getByRole("heading", { name: /^Host/ }).waitFor();
        await shot("system");
        await page.getByRole("link", { name: "Audit" }).click();
        await page.getByLabel("Space").fill(name);
        await page.getByRole("button", { name: "Filter" }).click();
        await page.locator(".audit-list li", { hasText: "space.create" }).first().waitFor();
        await shot("audit");

        // Destroy, with the volume: the row goes.
        await page.getByRole("link", { name: "Spaces", exact: true }).click();
        for (const n of [name, other]) {
          await page.getByRole("button", { name: `Destroy ${n}` }).click();
          await page.getByLabel("Also delete the volume and its files").check();
          await page.getByRole("button", { name: "Destroy container and volume" }).click();
          await page.locator(`li[data-space="${n}"]`).waitFor({ state: "detached", timeout: 60_000 });
        }
        await shot("spaces-after");
        // Sign out: back to the key form.
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.getByLabel("API key").waitFor();
      } catch (err) {
        await shot("failure").catch(() => {});
        throw err;
      } finally {
        await ctx.close();
      }
    });
  }
});
