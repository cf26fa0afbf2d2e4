import { createServer } from "node:net";
import { stat, writeFile, chmod, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCliServer } from "./fixture.js";
import { cli, cliEnv, engineAvailable, spaceName } from "./support.js";

/** A loopback port nobody listens on: we bind it, then let it go. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe.skipIf(!engineAvailable)("the clawdspace CLI against a real server", () => {
  // the first tests configure the CLI and create the space themselves: that is what they test
  const f = useCliServer("cli");
  const { name } = f;

  it("config saves URL and key to ~/.clawdspace with mode 0600, checks the key, and shows where settings come from", async () => {
    const r = await f.cli(["config", f.server.url, f.server.key]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("accepted the key");
    const file = join(f.e.home, ".clawdspace");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, "utf8");
    expect(text).toContain(`CLAWDSPACE_URL="${f.server.url}"`);
    expect(text).toContain(`CLAWDSPACE_KEY="${f.server.key}"`);

    const shown = await f.cli(["config", "--json"]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ url: f.server.url, urlSource: "file", keySet: true, keySource: "file" });
    // the key itself is never printed back
    expect(shown.stdout).not.toContain(f.server.key);
  });

  it("config reads the key from stdin, so it need not be on any command line", async () => {
    const other = await cliEnv();
    const r = await cli(other, ["config", f.server.url], { input: `${f.server.key}\n` });
    expect(r.code).toBe(0);
    expect(await readFile(join(other.home, ".clawdspace"), "utf8")).toContain(`CLAWDSPACE_KEY="${f.server.key}"`);
    expect((await cli(other, ["list", "-q"])).code).toBe(0);
  });

  it("tightens a config file that others can read", async () => {
    const file = join(f.e.home, ".clawdspace");
    await chmod(file, 0o644);
    const r = await f.cli(["list", "-q"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("mode is now 0600");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("a wrong key is one clear line on stderr and exit code 77, from the environment or a flag", async () => {
    for (const r of [await f.cli(["list"], { env: { CLAWDSPACE_KEY: "wrong-key" } }), await f.cli(["--key", "wrong-key", "list"])]) {
      expect(r.code).toBe(77);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^clawdspace: .*API key.*\(UNAUTHORIZED\)\n$/);
    }
  });

  it("an unreachable server is exit code 69 and says where it looked", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await f.cli(["list"], { env: { CLAWDSPACE_URL: url } });
    expect(r.code).toBe(69);
    expect(r.stderr).toContain(url);
    expect(r.stderr).toMatch(/\(UNREACHABLE\)\n$/);
  });

  it("creates a space, lists it as a table and as JSON", async () => {
    const created = await f.cli(["create", name, "--memory", "256m", "--env", "GREETING=hi there"]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`created ${name}`);

    const table = await f.cli(["ls"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+STATE/);
    expect(table.stdout).toMatch(new RegExp(`^${name}\\s+running`, "m"));
    // not a TTY and NO_COLOR: no escape codes
    expect(table.stdout).not.toContain("\x1b[");

    const json = JSON.parse((await f.cli(["list", "--json"])).stdout) as { spaces: Array<{ name: string; memory: number }> };
    expect(json.spaces.find((s) => s.name === name)?.memory).toBe(256 * 1024 ** 2);

    const status = JSON.parse((await f.cli(["status", name, "--json"])).stdout) as { space: { name: string; status: string } };
    expect(status.space).toMatchObject({ name, status: "running" });
  });

  it("exec streams stdout and stderr to the matching streams and exits with the remote code", async () => {
    const r = await f.cli(["exec", name, 'echo "to out $GREETING"; echo to-err >&2; exit 3']);
    expect(r).toEqual({ code: 3, stdout: "to out hi there\n", stderr: "to-err\n" });

    const x = await f.cli(["x", name, "ls", "-d", "/workspace"]);
    expect(x).toEqual({ code: 0, stdout: "/workspace\n", stderr: "" });
  });

  it("exec --json prints the whole result and still exits with the remote code", async () => {
    const r = await f.cli(["exec", "--json", name, "echo out; echo err >&2; exit 5"]);
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout)).toMatchObject({ stdout: "out\n", stderr: "err\n", exitCode: 5, timedOut: false });
  });

  it("exec sends stdin with -i, takes argv with --argv and exits 124 at its timeout", async () => {
    const piped = await f.cli(["exec", "-i", name, "tr a-z A-Z"], { input: "shout\n" });
    expect(piped).toEqual({ code: 0, stdout: "SHOUT\n", stderr: "" });

    const argv = await f.cli(["exec", "--argv", name, "printf", "%s|", "a b", "$HOME"]);
    expect(argv.stdout).toBe("a b|$HOME|");

    const slow = await f.cli(["exec", name, "--timeout", "1s", "sleep 30"]);
    expect(slow.code).toBe(124);
    expect(slow.stderr).toContain("EXEC_TIMEOUT");
  });

  it("stop pauses and start resumes", async () => {
    expect((await f.cli(["stop", name])).code).toBe(0);
    expect(JSON.parse((await f.cli(["status", "--json", name])).stdout).space.status).toBe("paused");
    const started = await f.cli(["start", name, "--json"]);
    expect(JSON.parse(started.stdout).message).toBeTruthy();
    expect(JSON.parse((await f.cli(["status", "--json", name])).stdout).space.status).toBe("running");
  });

  it("every data command's --json parses", async () => {
    for (const args of [["system", "--json"], ["nodes", "--json"], ["audit", "--json", "-n", "5"], ["version", "--json"], ["keepalive", name, "--for", "5m", "--json"]]) {
      const r = await f.cli(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(() => JSON.parse(r.stdout), args.join(" ")).not.toThrow();
    }
    const nodes = JSON.parse((await f.cli(["nodes", "--json"])).stdout);
    expect(nodes.nodes[0]).toMatchObject({ status: "online" });
    const audit = JSON.parse((await f.cli(["audit", "--json", "--space", name])).stdout);
    expect(audit.events.map((ev: { type: string }) => ev.type)).toContain("space.create");
  });

  it("a missing space is exit code 66, a bad request 1, a bad command line 64", async () => {
    const missing = await f.cli(["status", `${name}-nope`]);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/\(SPACE_NOT_FOUND\)\n$/);

    const bad = await f.cli(["create", name, "--memory", "lots"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/memory.*\(VALIDATION_FAILED\)\n$/);

    const usage = await f.cli(["exec"]);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toMatch(/^clawdspace: .*\(USAGE\)\n$/);
  });

  it("destroy refuses without -f when nobody can answer, then removes the space and its volume", async () => {
    const refused = await f.cli(["destroy", name]);
    expect(refused.code).toBe(64);

    await f.cli(["exec", name, "echo kept > /workspace/f"]);
    const r = await f.cli(["destroy", "-f", "--volume", name]);
    expect(r.code).toBe(0);
    const after = JSON.parse((await f.cli(["list", "--json"])).stdout) as { spaces: Array<{ name: string }> };
    expect(after.spaces.map((s) => s.name)).not.toContain(name);
    expect((await f.cli(["status", name])).code).toBe(66);
  });

  it("completion of space names asks the server through the CLI itself", async () => {
    const other = spaceName("cmp");
    await f.cli(["create", other, "--memory", "256m"]);
    try {
      const shim = join(f.e.home, "bin");
      await import("node:fs/promises").then((fs) => fs.mkdir(shim, { recursive: true }));
      await writeFile(join(shim, "clawdspace"), `#!/bin/sh\nexec "${process.execPath}" "${(await import("./support.js")).CLI}" "$@"\n`, { mode: 0o755 });
      const script = (await f.cli(["completion", "bash"])).stdout;
      await writeFile(join(f.e.home, "c.bash"), script);
      const { spawnSync } = await import("node:child_process");
      const prefix = other.slice(0, -2);
      const out = spawnSync("bash", ["-c", `source ${f.e.home}/c.bash; COMP_WORDS=(clawdspace status ${prefix}); COMP_CWORD=2; _clawdspace; echo "\${COMPREPLY[*]}"`], {
        env: { ...f.e.env, PATH: `${shim}:${f.e.env.PATH}` },
        encoding: "utf8",
      });
      expect(out.stdout.trim()).toBe(other);
    } finally {
      await f.cli(["destroy", "-f", "--volume", other]);
    }
  });
});
