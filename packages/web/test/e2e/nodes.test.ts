import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, engineAvailable, launchBrowser, SHOTS, startServer, type DashboardServer } from "./support.js";

/** A free loopback port, for a peer list written before the servers start. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe.skipIf(!engineAvailable || !browserAvailable)("the System page with several nodes, in a real browser", () => {
  let nodes: DashboardServer[] = [];
  let browser: Browser;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "cs-web-nodes-"));
    writeFileSync(join(dir, "secret"), randomBytes(32).toString("hex"), { mode: 0o600 });
    const ports = await Promise.all(["a", "b", "c"].map(freePort));
    const peers = ports.map((p, i) => `${"abc"[i]}=http://127.0.0.1:${p}`).join(",");
    nodes = await Promise.all(
      ports.map((port, i) =>
        startServer({ PORT: String(port), CLAWDSPACE_NODE: "abc"[i]!, CLAWDSPACE_NODES: peers, CLAWDSPACE_CLUSTER_SECRET_FILE: join(dir, "secret"), CLAWDSPACE_NODES_TAILSCALE: "off", NODES_HEALTH_MS: "500", NODES_DEADLINE_MS: "700" }),
      ),
    );
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const n of nodes) n.child.kill("SIGCONT");
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it("shows three nodes online, then the one that stops answering as offline", async () => {
    const [a, , c] = nodes as [DashboardServer, DashboardServer, DashboardServer];
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await page.goto(a.url);
    await page.getByLabel("API key").fill(a.key);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Spaces" }).waitFor();
    await page.getByRole("link", { name: "System" }).click();
    const row = (n: string) => page.locator(`.nodes-table tr[data-node="${n}"]`);
    await expect.poll(async () => page.locator('.nodes-table tr[data-status="online"]').count(), { timeout: 20_000 }).toBe(3);
    expect(await row("a").innerText()).toContain("(this node)");
    expect(await row("b").innerText()).toMatch(/\d+(\.\d+)? ms/);
    await page.screenshot({ path: join(SHOTS, "system-three-nodes.png"), fullPage: true });
    // Frozen, not gone: it takes connections and never answers, the harder case for a deadline.
    c.child.kill("SIGSTOP");
    await expect.poll(async () => (await page.reload(), row("c").getAttribute("data-status")), { timeout: 20_000, interval: 1000 }).toBe("offline");
    expect(await row("c").innerText()).toMatch(/offline\s+since/);
    expect(await row("b").getAttribute("data-status")).toBe("online");
    await page.screenshot({ path: join(SHOTS, "system-one-unreachable.png"), fullPage: true });
  });
});
