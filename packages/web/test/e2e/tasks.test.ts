import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, engineAvailable, launchBrowser, SHOTS, spaceName, startServer, type DashboardServer } from "./support.js";

const VIEWPORTS = [
  { label: "desktop", width: 1280, height: 860 },
  { label: "phone", width: 390, height: 844 },
] as const;

const COUNT = "for i in 1 2 3 4 5 6 7 8 9 10; do echo line-$i; sleep 1; done";
const LINES = Array.from({ length: 10 }, (_, i) => `line-${i + 1}`);

interface ApiTask {
  id: string;
  state: string;
  command: string;
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
const logText = (page: Page) => page.getByTestId("task-log").innerText();
const detailBadge = (page: Page) => page.locator("#task-detail-title .badge");

describe.skipIf(!engineAvailable || !browserAvailable)("background tasks in the dashboard, in a real browser on the real engine", () => {
  let server: DashboardServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const vp of VIEWPORTS) {
    it(`starts a task and follows its log live, cancels another, lists both across spaces (${vp.label}, ${vp.width} px)`, async () => {
      // From the top: a full-page shot of a scrolled page draws the sticky header halfway down.
      const shot = async (name: string) => {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(SHOTS, `tasks-${vp.label}-${name}.png`), fullPage: true });
      };
      const fits = async (where: string) => expect(await overflow(page), `horizontal overflow on ${where}`).toBeLessThanOrEqual(vp.width);
      const ctx = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      const page = await ctx.newPage();
      const name = spaceName(`k${vp.label[0]}`);
      try {
        await server.api("/api/spaces", { method: "POST", json: { name, memory: "256m" } });
        const tasksOf = async () => (await server.api<{ tasks: ApiTask[] }>(`/api/spaces/${name}/tasks`)).tasks;

        await page.goto(server.url);
        await page.getByLabel("API key").fill(server.key);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("heading", { name: "Spaces" }).waitFor();
        await page.goto(`${server.url}/spaces/${name}?tab=tasks`);
        await page.getByRole("heading", { name: "Start a task" }).waitFor();

        // A server validation error lands under the command field.
        await page.getByRole("button", { name: "Start task" }).click();
        await page.locator("#task-command-err").waitFor();
        await shot("validation");

        // The counting task: line-1 shows while the task still runs.
        await page.getByLabel("Command").fill(COUNT);
        await page.getByLabel("Name (optional)").fill("count");
        await page.getByRole("button", { name: "Start task" }).click();
        await expect.poll(() => logText(page), { timeout: 60_000 }).toContain("line-1");
        const [counting] = await tasksOf();
        expect(counting?.state).toBe("running");
        expect(await logText(page)).not.toContain("line-10");
        expect(await detailBadge(page).innerText()).toBe("running");
        await fits("the tasks tab, a task running");
        await shot("running");

        // It ends on its own: every line once, in order, and the badge says succeeded.
        await expect.poll(() => detailBadge(page).innerText(), { timeout: 60_000 }).toBe("succeeded");
        await expect.poll(() => page.getByTestId("log-status").innerText()).toBe("complete");
        expect((await logText(page)).split("\n").filter(Boolean)).toEqual(LINES);
        await shot("succeeded");

        // sleep 300, cancelled from the page after the dialog says what happens.
        await page.getByLabel("Command").fill("sleep 300");
        await page.getByLabel("Name (optional)").fill("");
        await page.getByRole("button", { name: "Start task" }).click();
        await expect.poll(() => page.locator("#task-detail-title .task-title").innerText(), { timeout: 30_000 }).toBe("sleep 300");
        await expect.poll(() => detailBadge(page).innerText(), { timeout: 30_000 }).toBe("running");
        await page.getByRole("button", { name: "Cancel task sleep 300" }).click();
        const dialog = page.getByRole("alertdialog");
        await expect.poll(() => dialog.innerText()).toContain("SIGTERM");
        await fits("the cancel dialog");
        await shot("cancel-dialog");
        await dialog.getByRole("button", { name: "Cancel the task" }).click();
        await expect.poll(() => detailBadge(page).innerText(), { timeout: 30_000 }).toBe("cancelled");
        const sleeping = (await tasksOf()).find((t) => t.command === "sleep 300");
        expect(sleeping?.state).toBe("cancelled");
        await page.locator(`li[data-task="${sleeping!.id}"][data-state="cancelled"]`).waitFor();
        await fits("the tasks tab after a cancel");
        await shot("cancelled");

        // The Tasks page lists both, and a row leads back to its task on the space's tab.
        await page.getByRole("link", { name: "Tasks", exact: true }).click();
        await page.getByRole("heading", { name: "Tasks", exact: true }).waitFor();
        await page.locator(`tr[data-task="${counting!.id}"][data-state="succeeded"]`).waitFor();
        await page.locator(`tr[data-task="${sleeping!.id}"][data-state="cancelled"]`).waitFor();
        await fits("the Tasks page");
        // Every top link is on screen, none pushed out of a scrolling strip.
        for (const link of ["Spaces", "Tasks", "System", "Audit"]) {
          const box = await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: link, exact: true }).boundingBox();
          expect(box && box.x >= 0 && box.x + box.width <= vp.width, `${link} in view`).toBe(true);
        }
        await shot("tasks-page");
        await page.getByLabel("State").selectOption("cancelled");
        await page.locator(`tr[data-task="${counting!.id}"]`).waitFor({ state: "detached" });
        await page.locator(`tr[data-task="${sleeping!.id}"]`).waitFor();
        await page.getByLabel("State").selectOption("");
        await page.locator(`tr[data-task="${counting!.id}"] a.task-title`).click();
        await expect.poll(() => page.locator("#task-detail-title .task-title").innerText(), { timeout: 30_000 }).toBe("count");
        expect(new URL(page.url()).searchParams.get("tab")).toBe("tasks");
        await expect.poll(() => logText(page)).toContain("line-10");

        // Delete the finished one: it leaves the list and the API.
        await page.getByRole("button", { name: "Delete task count" }).click();
        await page.getByRole("alertdialog").getByRole("button", { name: "Delete task and log" }).click();
        await page.locator(`li[data-task="${counting!.id}"]`).waitFor({ state: "detached", timeout: 30_000 });
        expect((await tasksOf()).map((t) => t.id)).toEqual([sleeping!.id]);

        // stderr is set apart from stdout in the log.
        await page.getByLabel("Command").fill("echo to-out; echo to-err >&2; echo out-again");
        await page.getByRole("button", { name: "Start task" }).click();
        await expect.poll(() => page.getByTestId("log-status").innerText(), { timeout: 30_000 }).toBe("complete");
        expect(await page.locator('[data-testid="task-log"] [data-stream="stderr"]').innerText()).toBe("to-err\n");
        // Two pipes: the supervisor may read both stdout lines before the stderr one, so no order across streams.
        expect((await page.locator('[data-testid="task-log"] [data-stream="stdout"]').allInnerTexts()).join("")).toBe("to-out\nout-again\n");
        await fits("the tasks tab with stderr");
        await shot("stderr");
      } catch (err) {
        await shot("failure").catch(() => {});
        throw err;
      } finally {
        await ctx.close();
        await server.api(`/api/spaces/${name}?removeVolume=true`, { method: "DELETE" }).catch(() => {});
      }
    });
  }
});
