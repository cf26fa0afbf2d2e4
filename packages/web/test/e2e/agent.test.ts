import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, engineAvailable, launchBrowser, runId, SHOTS, spaceName, startServer, type DashboardServer } from "./support.js";

const VIEWPORTS = [
  { label: "desktop", width: 1280, height: 860 },
  { label: "phone", width: 390, height: 844 },
] as const;

// The Messages API stand-in: Claude Code in the space talks to it, never to the internet.
const STUB = fileURLToPath(new URL("../../../api/test/integration/fixtures/anthropic-stub.cjs", import.meta.url));
const STUB_PORT = 8787;
const WAIT = (s: number) => `node -e 'setTimeout(() => {}, ${s * 1000})'`;

interface ApiRun {
  id: string;
  state: string;
  sessionId: string | null;
  resume: string | null;
}

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);
const transcript = (page: Page) => page.getByTestId("transcript");
const termText = (page: Page) => page.locator(".xterm-rows").innerText();
const badge = (page: Page) => page.locator("#run-detail-title .badge");

describe.skipIf(!engineAvailable || !browserAvailable)("Claude Code from the dashboard, in a real browser on the real engine", () => {
  let server: DashboardServer;
  let browser: Browser;
  const name = spaceName("agent");
  const plain = spaceName("plain");
  const runs = async () => (await server.api<{ runs: ApiRun[] }>(`/api/spaces/${name}/agent/runs`)).runs;

  beforeAll(async () => {
    // A key made up for this run; the stub only records its hash.
    const dir = await mkdtemp(join(tmpdir(), "cs-web-agent-"));
    const creds = join(dir, "agent.env");
    await writeFile(creds, `ANTHROPIC_API_KEY=sk-ant-api03-web-${runId}-${randomBytes(12).toString("hex")}\nANTHROPIC_BASE_URL=http://127.0.0.1:${STUB_PORT}\n`, { mode: 0o600 });
    server = await startServer({ AGENT_CREDENTIALS_FILE: creds, TASK_POLL_MS: "500" });
    browser = await launchBrowser();

    await server.api("/api/spaces", { method: "POST", json: { name, template: "agent" } });
    await server.api("/api/spaces", { method: "POST", json: { name: plain, memory: "128m" } });
    const put = await fetch(`${server.url}/api/spaces/${name}/file?path=/anthropic-stub.cjs`, {
      method: "PUT",
      headers: { authorization: `Bearer ${server.key}`, "content-type": "application/octet-stream" },
      body: await readFile(STUB),
    });
    if (!put.ok) throw new Error(`uploading the stub: ${put.status} ${await put.text()}`);
    await server.api(`/api/spaces/${name}/tasks`, { method: "POST", json: { command: `node /workspace/anthropic-stub.cjs ${STUB_PORT} /workspace/stub.jsonl`, name: "anthropic stub", keepAwake: true } });
    // Up once it answers (a 404 for /): Claude Code's first request must not race its start.
    const until = Date.now() + 30_000;
    for (;;) {
      const probe = await server.api<{ stdout: string }>(`/api/spaces/${name}/exec`, { method: "POST", json: { command: ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `http://127.0.0.1:${STUB_PORT}/`] } });
      if (probe.stdout.trim() === "404") break;
      if (Date.now() > until) throw new Error(`the stub did not start in ${name}: ${probe.stdout}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    for (const n of [name, plain]) await server?.api(`/api/spaces/${n}?removeVolume=true`, { method: "DELETE" }).catch(() => {});
    await server?.stop();
  });

  for (const vp of VIEWPORTS) {
    it(`runs Claude from the Agent tab and follows the tool call and the answer live, resumes, cancels, opens a Claude terminal (${vp.label}, ${vp.width} px)`, async () => {
      const ctx = await browser.newContext({ viewport: { width: vp.width, height: vp.height } });
      const page = await ctx.newPage();
      const shot = async (what: string) => {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(SHOTS, `agent-${vp.label}-${what}.png`), fullPage: true });
      };
      const fits = async (where: string) => expect(await overflow(page), `horizontal overflow on ${where}`).toBeLessThanOrEqual(vp.width);
      try {
        await page.goto(server.url);
        await page.getByLabel("API key").fill(server.key);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.getByRole("heading", { name: "Spaces" }).waitFor();
        await page.goto(`${server.url}/spaces/${name}`);
        await page.getByRole("tab", { name: "Agent" }).click();
        await page.getByRole("heading", { name: "Ask Claude" }).waitFor();
        await fits("the Agent tab");

        // The tool's command waits, so the call is on screen while the run still runs. Not with
        // sleep: Claude Code refuses a bare long sleep as a tool call.
        const word = `e2e-${vp.label}-${randomBytes(2).toString("hex")}`;
        await page.getByLabel("Prompt").fill(`Please [[bash: echo ${word} && ${WAIT(6)}]]`);
        await page.getByRole("button", { name: "Run", exact: true }).click();
        const tool = transcript(page).locator('[data-testid="tool-call"][data-tool="Bash"]');
        await tool.waitFor({ timeout: 120_000 });
        expect(await tool.locator("summary").innerText()).toContain(`echo ${word}`);
        expect(await tool.getAttribute("data-state")).toBe("running");
        expect(await badge(page).innerText()).toBe("running");
        expect(await page.getByTestId("transcript-status").innerText()).toBe("live");
        await fits("a run in progress");
        await shot("running");

        // The answer arrives on the same page: the final text, the tool's result under its call.
        await expect.poll(() => transcript(page).innerText(), { timeout: 120_000 }).toContain(`STUB-DONE: ${word}`);
        await expect.poll(() => badge(page).innerText(), { timeout: 60_000 }).toBe("succeeded");
        await expect.poll(() => page.getByTestId("transcript-status").innerText()).toBe("complete");
        expect(await tool.getAttribute("data-state")).toBe("done");
        await tool.locator("summary").click();
        expect(await tool.getByTestId("tool-result").innerText()).toContain(word);
        // Shown once each, though the answer text and the result say the same.
        expect((await transcript(page).innerText()).split(`STUB-DONE: ${word}`)).toHaveLength(2);
        expect(await transcript(page).locator('[data-testid="tool-call"]').count()).toBe(1);
        await expect.poll(() => page.getByTestId("run-facts").innerText()).toMatch(/Turns\s*2/);
        expect(await page.getByTestId("run-facts").innerText()).toMatch(/Cost\s*\$\d/);
        const [first] = await runs();
        expect(first).toMatchObject({ state: "succeeded" });
        expect(first!.sessionId).toMatch(/^[0-9a-f-]{36}$/);
        expect(await page.locator(`li[data-run="${first!.id}"][data-state="succeeded"]`).count()).toBe(1);
        await fits("a finished run, tool call open");
        await shot("succeeded");

        // Resume with the box empty: it picks the session and asks for the prompt.
        await page.locator(".run-detail").getByRole("button", { name: "Resume", exact: true }).click();
        await page.getByText("Goes on with session").waitFor();
        await page.getByLabel("Prompt").fill("And now say hello");
        await page.getByRole("button", { name: "Run", exact: true }).click();
        // Both viewports use the one space: the newest run is this one once it is not the first.
        await expect.poll(async () => (await runs())[0]!.id, { timeout: 30_000 }).not.toBe(first!.id);
        const [second] = await runs();
        expect(second!.resume).toBe(first!.sessionId);
        await expect.poll(() => transcript(page).innerText(), { timeout: 120_000 }).toContain("STUB-REPLY");
        await expect.poll(() => badge(page).innerText(), { timeout: 60_000 }).toBe("succeeded");
        await shot("resumed");

        // Cancel a long one from the page, after the dialog says what happens.
        await page.getByLabel("Prompt").fill(`[[bash: echo long && ${WAIT(300)}]]`);
        await page.getByRole("button", { name: "Run", exact: true }).click();
        await transcript(page).locator('[data-testid="tool-call"][data-state="running"]').waitFor({ timeout: 120_000 });
        await page.locator(".run-detail").getByRole("button", { name: "Cancel", exact: true }).click();
        const dialog = page.getByRole("alertdialog");
        await dialog.waitFor();
        await fits("the cancel dialog");
        await dialog.getByRole("button", { name: "Cancel the run" }).click();
        await expect.poll(() => badge(page).innerText(), { timeout: 60_000 }).toBe("cancelled");
        expect((await runs())[0]!.state).toBe("cancelled");
        await fits("a cancelled run");
        await shot("cancelled");

        // An interactive Claude session beside the shell, and the session list says which is which.
        await page.getByRole("tab", { name: "Terminal" }).click();
        await expect.poll(() => page.getByTestId("terminal-status").innerText(), { timeout: 60_000 }).toBe("connected");
        await page.getByRole("button", { name: "New Claude session" }).click();
        await expect.poll(() => page.getByTestId("terminal-kind").isVisible().catch(() => false), { timeout: 60_000 }).toBe(true);
        expect(await page.getByTestId("terminal-status").innerText()).toBe("connected");
        const terms = (await server.api<{ terminals: Array<{ kind: string }> }>(`/api/spaces/${name}/terminals`)).terminals;
        expect(terms.map((t) => t.kind)).toContain("claude");
        expect(await page.locator("#sessions option", { hasText: /Claude/ }).count()).toBeGreaterThan(0);
        // Claude Code's own screen, talking to the stub from the browser's keystrokes.
        await expect.poll(() => termText(page), { timeout: 60_000 }).toMatch(/bypass permissions/i);
        await page.getByTestId("terminal").click();
        await page.keyboard.type(`hi from ${vp.label}`);
        await page.waitForTimeout(500);
        await page.keyboard.press("Enter");
        await expect.poll(() => termText(page), { timeout: 60_000 }).toContain("STUB-REPLY");
        await fits("a Claude terminal");
        await shot("claude-terminal");
        // A reload comes back to the same Claude session, its screen replayed.
        await page.reload();
        await expect.poll(() => page.getByTestId("terminal-kind").isVisible().catch(() => false), { timeout: 60_000 }).toBe(true);
        await expect.poll(() => termText(page), { timeout: 30_000 }).toContain("STUB-REPLY");

        // A space without Claude Code: the refused session says what to do, and stops asking.
        await page.goto(`${server.url}/spaces/${plain}?tab=terminal`);
        await expect.poll(() => page.getByTestId("terminal-status").innerText(), { timeout: 60_000 }).toBe("connected");
        await page.getByRole("button", { name: "New Claude session" }).click();
        await expect.poll(() => page.getByTestId("terminal-status").innerText(), { timeout: 30_000 }).toBe("failed");
        expect(await page.getByTestId("terminal-error").innerText()).toContain('create a space with the template "agent"');
        await fits("a refused Claude session");
        await shot("claude-refused");
      } catch (err) {
        await shot("failure").catch(() => {});
        throw err;
      } finally {
        await ctx.close();
      }
    });
  }
});
