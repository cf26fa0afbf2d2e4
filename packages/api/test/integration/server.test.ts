import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const SERVER = fileURLToPath(new URL("../../dist/bin/server.js", import.meta.url));

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(env: Record<string, string>): Proc {
  let out = "";
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", CLAWDSPACE_BUILD_IMAGE: "false", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}

async function waitFor(check: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const procs: Proc[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) p.child.kill("SIGKILL");
});

describe("the server binary", () => {
  it.each([
    ["PORT", "not-a-port"],
    ["LOG_LEVEL", "loud"],
    ["DOCKER_HOST", "bogus"],
    ["CLAWDSPACE_AUTH_DISABLED", "maybe"],
  ])("refuses to start with a bad %s and names it", async (name, value) => {
    const p = run({ [name]: value, CLAWDSPACE_DATA_DIR: await mkdtemp(join(tmpdir(), "cs-")) });
    procs.push(p);
    expect(await p.exited).not.toBe(0);
    expect(p.output()).toContain(name);
  });

  it("refuses auth disabled unless bound to loopback", async () => {
    const p = run({ CLAWDSPACE_AUTH_DISABLED: "true", HOST: "0.0.0.0", CLAWDSPACE_DATA_DIR: await mkdtemp(join(tmpdir(), "cs-")) });
    procs.push(p);
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/CLAWDSPACE_AUTH_DISABLED.*loopback/);
  });

  it("generates a key file (0600) on first start, never logs the key, answers 503 without an engine, and stops on SIGTERM", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "cs-"));
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const p = run({ PORT: port, HOST: "127.0.0.1", CLAWDSPACE_DATA_DIR: dataDir, DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    procs.push(p);
    await waitFor(() => p.output().includes("listening"));
    const keyFile = join(dataDir, "api-key");
    const key = (await readFile(keyFile, "utf8")).trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(p.output()).toContain(keyFile);
    expect(p.output()).toContain(`http://127.0.0.1:${port}`);

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const spaces = await fetch(`http://127.0.0.1:${port}/api/spaces?key=${encodeURIComponent(key)}`);
    expect(spaces.status).toBe(503);
    expect(((await spaces.json()) as { code: string }).code).toBe("RUNTIME_UNAVAILABLE");
    const withHeader = await fetch(`http://127.0.0.1:${port}/api/system`, { headers: { authorization: `Bearer ${key}` } });
    expect(withHeader.status).toBe(503);

    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(p.output()).not.toContain(key);
  });

  it("reuses the key file on the next start", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "cs-"));
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const env = { PORT: port, HOST: "127.0.0.1", CLAWDSPACE_DATA_DIR: dataDir, DOCKER_HOST: "unix:///nonexistent/docker.sock" };
    const first = run(env);
    procs.push(first);
    await waitFor(() => first.output().includes("listening"));
    const key = await readFile(join(dataDir, "api-key"), "utf8");
    first.child.kill("SIGTERM");
    await first.exited;
    const second = run(env);
    procs.push(second);
    await waitFor(() => second.output().includes("listening"));
    expect(await readFile(join(dataDir, "api-key"), "utf8")).toBe(key);
    expect(second.output()).not.toContain("generated");
  });
});
