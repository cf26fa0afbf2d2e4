import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClawdspaceClient } from "@clawdspace/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnServer, type ServerProcess } from "../support/serverProcess.js";
import { TermClient } from "../support/termClient.js";
import { engineAvailable, runId, spaceName } from "./support.js";

// The real server binary, attacked from outside (browsers, a full disk) while a real space runs.

const rawGet = (url: string, path: string, headers: Record<string, string>) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path, headers }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });

describe.skipIf(!engineAvailable)("browsers against the server binary (issue 13 item 8)", () => {
  let srv: ServerProcess;
  beforeAll(async () => {
    srv = await spawnServer(runId, { CLAWDSPACE_AUTH_DISABLED: "true" });
  });
  afterAll(async () => srv?.stop());

  it("answers only loopback Host names with auth off (DNS rebinding), and sends the dashboard's headers", async () => {
    const evil = await rawGet(srv.url, "/api/spaces", { host: "rebind.attacker.example:7777" });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).code).toBe("FORBIDDEN");
    const res = await fetch(`${srv.url}/`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("refuses a terminal opened from another site's page", async () => {
    const name = spaceName("origin");
    const client = new ClawdspaceClient({ baseUrl: srv.url, key: "" });
    await client.createSpace({ name, memory: "256m" });
    try {
      const url = `${srv.url.replace(/^http/, "ws")}/api/spaces/${name}/terminal`;
      await expect(TermClient.open(url, { origin: "http://attacker.example" })).rejects.toMatchObject({ status: 403 });
      const ok = await TermClient.open(url, { origin: srv.url });
      await ok.close();
    } finally {
      await client.deleteSpace(name, { removeVolume: true });
    }
  });
});

const isRoot = process.getuid?.() === 0;
if (process.env.CI === "true" && engineAvailable && !isRoot) throw new Error("CI=true but the full-disk test needs root (to mount a small tmpfs)");

describe.skipIf(!engineAvailable || !isRoot)("a full disk under the data folder (issue 13 item 4)", () => {
  let dir: string;
  let srv: ServerProcess;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cs-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", dir]);
    srv = await spawnServer(runId, { CLAWDSPACE_DATA_DIR: dir });
  });
  afterAll(async () => {
    await srv?.stop();
    if (dir) {
      execFileSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("what cannot be audited is a clear 503; a terminal closing then crashes nothing; freed, it works again", async () => {
    const client = new ClawdspaceClient({ baseUrl: srv.url, key: srv.key });
    const name = spaceName("full");
    await client.createSpace({ name, memory: "256m" });
    const term = await TermClient.open(`${srv.url.replace(/^http/, "ws")}/api/spaces/${name}/terminal`, { authorization: `Bearer ${srv.key}` });
    // Fill the data folder's disk to the last byte, as a space filling the engine's disk would.
    execFileSync("sh", ["-c", `dd if=/dev/zero of=${dir}/ballast bs=64k 2>/dev/null; true`]);
    const headers = { authorization: `Bearer ${srv.key}`, "content-type": "application/json" };
    let refused: Response | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const res = await fetch(`${srv.url}/api/spaces/${name}/exec`, { method: "POST", headers, body: JSON.stringify({ command: ["echo", "x".repeat(4000)] }) });
      if (res.status !== 200) refused = res;
    }
    expect(refused?.status).toBe(503);
    expect(((await refused!.json()) as { code: string }).code).toBe("AUDIT_UNAVAILABLE");
    // The close handler's audit append fails too: the process must live through it.
    await term.close();
    await new Promise((r) => setTimeout(r, 500));
    expect(srv.child.exitCode).toBeNull();
    expect((await fetch(`${srv.url}/api/health`)).status).toBe(200);
    const sys = (await (await fetch(`${srv.url}/api/system`, { headers })).json()) as { dataDir: { path: string; availableBytes: number } };
    expect(sys.dataDir.availableBytes).toBeLessThan(64 * 1024);
    rmSync(join(dir, "ballast"));
    expect((await client.exec(name, { command: "echo back" })).stdout).toBe("back\n");
    await client.deleteSpace(name, { removeVolume: true });
  });
});
