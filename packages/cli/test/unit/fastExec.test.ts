import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastExecArgs } from "../../src/bin/fastExec.js";

const CLI = fileURLToPath(new URL("../../dist/bin/clawdspace.cjs", import.meta.url));

describe("fastExecArgs: only the plain shape takes the fast path", () => {
  it("reads exec and x, with or without --argv", () => {
    expect(fastExecArgs(["exec", "dev", "echo", "hi there"])).toEqual({ name: "dev", command: "echo hi there" });
    expect(fastExecArgs(["x", "dev", "ls"])).toEqual({ name: "dev", command: "ls" });
    expect(fastExecArgs(["exec", "--argv", "dev", "printf", "%s", "a b"])).toEqual({ name: "dev", command: ["printf", "%s", "a b"] });
  });
  it("leaves everything else to the full CLI", () => {
    for (const args of [
      ["list"],
      ["exec", "dev"],
      ["exec", "--json", "dev", "ls"],
      ["exec", "-i", "dev", "cat"],
      ["exec", "dev", "--timeout", "1s", "sleep 3"],
      ["exec", "--url", "http://x", "dev", "ls"],
      ["exec", "--argv", "--json", "dev", "ls"],
      ["exec", "-h"],
    ]) expect(fastExecArgs(args), args.join(" ")).toBeNull();
  });
});

interface Seen {
  url?: string;
  auth?: string;
  body?: unknown;
}

/** A server that answers exec as the API does (NDJSON), or with a status of the test's choosing. */
function stub(answer: (req: IncomingMessage) => { status: number; lines?: unknown[]; body?: unknown }) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ url: req.url, auth: req.headers.authorization, body: body ? JSON.parse(body) : undefined });
      const a = answer(req);
      if (a.lines) {
        res.writeHead(a.status, { "content-type": "application/x-ndjson" });
        for (const l of a.lines) res.write(`${JSON.stringify(l)}\n`);
        return res.end();
      }
      res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body));
    });
  });
  return { server, seen };
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the installed command's fast exec", () => {
  const s = stub((req) => {
    if (req.url?.includes("/missing/")) return { status: 404, body: { error: 'Space "missing" not found', code: "SPACE_NOT_FOUND" } };
    return { status: 200, lines: [{ stream: "stdout", data: "out\n" }, { stream: "stderr", data: "err\n" }, { exitCode: 7, durationMs: 1, timedOut: false }] };
  });
  let env: Record<string, string>;
  let home: string;
  beforeAll(async () => {
    await new Promise<void>((r) => s.server.listen(0, "127.0.0.1", r));
    home = mkdtempSync(join(tmpdir(), "cs-fast-"));
    env = { HOME: home, CLAWDSPACE_URL: `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`, CLAWDSPACE_KEY: "k-123" };
  });
  afterAll(() => {
    s.server.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("sends the command with the key, prints each stream where it belongs and exits with the remote code", async () => {
    const r = await cli(["exec", "--argv", "dev", "printf", "%s", "a b"], env);
    expect(r).toEqual({ code: 7, stdout: "out\n", stderr: "err\n" });
    expect(s.seen.at(-1)).toEqual({ url: "/api/spaces/dev/exec", auth: "Bearer k-123", body: { command: ["printf", "%s", "a b"] } });
  });

  it("a refusal is worded by the full CLI, as for any other command (asked again: nothing ran)", async () => {
    const before = s.seen.length;
    const r = await cli(["exec", "missing", "true"], env);
    expect(r.code).toBe(66);
    expect(r.stderr).toMatch(/^clawdspace: .*missing.*\(SPACE_NOT_FOUND\)\n$/);
    expect(s.seen.length - before).toBe(2);
  });

  it("an unreachable server is exit 69 with the usual message", async () => {
    const r = await cli(["exec", "dev", "true"], { ...env, CLAWDSPACE_URL: "http://127.0.0.1:9" });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/cannot reach the server at http:\/\/127\.0\.0\.1:9.*\(UNREACHABLE\)\n$/);
  });
});
