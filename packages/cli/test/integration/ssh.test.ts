import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useCliServer } from "./fixture.js";
import { ClawdspaceClient } from "@clawdspace/shared/client";
import { CLI, engineAvailable } from "./support.js";
import { tool, upgradeStatus } from "./tunnelHelpers.js";

describe.skipIf(!engineAvailable)("ssh, scp, sftp, rsync and forward into a space through the tunnel", () => {
  const f = useCliServer("ssh", { create: ["--template", "offline"] });
  const { name } = f;
  const host = `clawdspace-${name}`;
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill("SIGTERM");
  });
  const sshConfig = () => join(f.e.home, ".ssh", "config");

  it("ssh-config writes one marked block, twice run, and leaves the user's own lines alone", async () => {
    await mkdir(join(f.e.home, ".ssh"), { recursive: true });
    await writeFile(sshConfig(), "ServerAliveInterval 30\n\nHost other\n  User me\n");
    for (let i = 0; i < 2; i++) {
      const r = await f.cli(["ssh-config", name]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    const text = await readFile(sshConfig(), "utf8");
    expect(text.split(`Host ${host}\n`).length - 1).toBe(1);
    expect(text.split(`# >>> clawdspace ${name} `).length - 1).toBe(1);
    expect(text.startsWith("ServerAliveInterval 30\n")).toBe(true);
    expect(text).toContain("Host other\n  User me\n");
    // ours comes before the first Host line, so a later `Host *` cannot override it
    expect(text.indexOf(`Host ${host}`)).toBeLessThan(text.indexOf("Host other"));
  });

  it("ssh clawdspace-NAME id -u prints 1001 through the ProxyCommand, with no host key prompt", async () => {
    const r = await tool(f.e.home, "ssh", ["-F", sshConfig(), "-o", "BatchMode=yes", host, "id", "-u"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("1001");
    expect(r.code).toBe(0);
  });

  it("clawdspace ssh NAME -- CMD runs the command and passes its exit code", async () => {
    const r = await f.cli(["ssh", name, "--", "sh", "-c", "'echo in-space; exit 7'"]);
    expect(r.stdout.trim()).toBe("in-space");
    expect(r.code).toBe(7);
  });

  it("scp copies both ways and sftp lists", async () => {
    const local = join(f.e.home, "up.txt");
    await writeFile(local, "hello over scp\n");
    const up = await tool(f.e.home, "scp", ["-F", sshConfig(), "-q", local, `${host}:/workspace/up.txt`]);
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    const seen = await f.cli(["exec", name, "cat", "/workspace/up.txt"]);
    expect(seen.stdout).toBe("hello over scp\n");

    await f.cli(["exec", name, "echo made-in-space > /workspace/down.txt"]);
    const back = join(f.e.home, "down.txt");
    const down = await tool(f.e.home, "scp", ["-F", sshConfig(), "-q", `${host}:/workspace/down.txt`, back]);
    expect(down.code).toBe(0);
    expect(await readFile(back, "utf8")).toBe("made-in-space\n");

    const ls = await tool(f.e.home, "sftp", ["-F", sshConfig(), "-b", "-", host], "cd /workspace\nls\n");
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain("up.txt");
    expect(ls.stdout).toContain("down.txt");
  });

  it("rsync -e ssh copies a folder", async () => {
    const dir = join(f.e.home, "tree");
    await mkdir(join(dir, "sub"), { recursive: true });
    await writeFile(join(dir, "a.txt"), "A");
    await writeFile(join(dir, "sub", "b.txt"), "B".repeat(100_000));
    const r = await tool(f.e.home, "rsync", ["-a", "-e", `ssh -F ${sshConfig()}`, `${dir}/`, `${host}:/workspace/tree/`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const seen = await f.cli(["exec", name, "cat /workspace/tree/a.txt; wc -c < /workspace/tree/sub/b.txt"]);
    expect(seen.stdout).toBe("A100000\n");
  });

  it("forward reaches an HTTP server in the space (network none: its loopback) with curl", async () => {
    await f.cli(["exec", name, "mkdir -p /workspace/www && echo served-from-space > /workspace/www/index.html"]);
    await f.cli(["task", "run", "-d", name, "--", "python3", "-m", "http.server", "8765", "--bind", "127.0.0.1", "--directory", "/workspace/www"]);
    const fwd = spawn(process.execPath, [CLI, "forward", name, "0:8765"], { env: { PATH: process.env.PATH ?? "", HOME: f.e.home }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(fwd);
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      fwd.stdout!.on("data", (b: Buffer) => {
        out += b.toString();
        const m = /127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      fwd.once("exit", (c) => reject(new Error(`forward exited with ${c}`)));
    });
    let body = "";
    for (let i = 0; i < 40 && !body.includes("served-from-space"); i++) {
      const r = await tool(f.e.home, "curl", ["-s", "--max-time", "10", `http://127.0.0.1:${port}/index.html`]);
      body = r.stdout;
      if (!body.includes("served-from-space")) await new Promise((res) => setTimeout(res, 250));
    }
    expect(body).toBe("served-from-space\n");
    // two at once: one tunnel per connection
    const [a, b] = await Promise.all([0, 1].map(() => tool(f.e.home, "curl", ["-s", "--max-time", "10", `http://127.0.0.1:${port}/index.html`])));
    expect(a!.stdout + b!.stdout).toBe("served-from-space\nserved-from-space\n");
  });

  it("forward keeps TCP's half-close: a client that sends, shuts its write side and waits gets its answer", async () => {
    await f.cli(["task", "run", "-d", "--argv", name, "--", "socat", "TCP-LISTEN:8766,bind=127.0.0.1,reuseaddr,fork", "SYSTEM:wc -c"]);
    const fwd = spawn(process.execPath, [CLI, "forward", name, "0:8766"], { env: { PATH: process.env.PATH ?? "", HOME: f.e.home }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(fwd);
    const port = await new Promise<number>((resolve) => fwd.stdout!.on("data", (b: Buffer) => /:(\d+) ->/.test(b.toString()) && resolve(Number(/:(\d+) ->/.exec(b.toString())![1]))));
    const ask = () =>
      new Promise<string>((resolve, reject) => {
        const sock = connect(port, "127.0.0.1");
        let answer = "";
        sock.on("data", (c: Buffer) => (answer += c.toString()));
        sock.once("error", reject);
        sock.once("close", () => resolve(answer.trim()));
        sock.end(Buffer.alloc(5 * 1024 * 1024, 1));
      });
    let answer = "";
    for (let i = 0; i < 20 && answer !== String(5 * 1024 * 1024); i++) {
      answer = await ask();
      if (answer !== String(5 * 1024 * 1024)) await new Promise((r) => setTimeout(r, 250));
    }
    expect(answer).toBe(String(5 * 1024 * 1024));
  });

  it("the tunnel counts as activity while bytes flow, and the audit log has its open and close with byte counts", async () => {
    const streaming = tool(f.e.home, "ssh", ["-F", sshConfig(), host, "for i in 1 2 3 4 5 6; do echo tick; sleep 0.5; done"]);
    await new Promise((r) => setTimeout(r, 1200));
    const api = new ClawdspaceClient({ baseUrl: f.server.url, key: f.server.key });
    const first = await api.getSpace(name);
    await new Promise((r) => setTimeout(r, 1500));
    const second = await api.getSpace(name);
    expect((await streaming).stdout).toBe("tick\n".repeat(6));
    expect(first.activity.lastSource).toBe("tunnel");
    expect(Date.parse(second.activity.lastAt!)).toBeGreaterThan(Date.parse(first.activity.lastAt!));
    const audit = await f.cli(["audit", "--space", name, "--type", "tunnel.close", "--json"]);
    const events = JSON.parse(audit.stdout) as { events: Array<{ meta: { target: string; bytesIn: number; bytesOut: number } }> };
    const ssh = events.events.filter((e) => e.meta.target === "ssh");
    expect(ssh.length).toBeGreaterThan(3);
    expect(ssh.every((e) => e.meta.bytesIn > 0 && e.meta.bytesOut > 0)).toBe(true);
  });

  it("a tunnel without the key is refused with 401 before the upgrade; one to a missing space with 404", async () => {
    const url = f.server.url.replace(/^http/, "ws");
    const anon = await upgradeStatus(`${url}/api/spaces/${name}/tunnel?target=ssh`, {});
    expect(anon.status).toBe(401);
    expect(JSON.parse(anon.body).code).toBe("UNAUTHORIZED");
    const wrong = await upgradeStatus(`${url}/api/spaces/${name}/tunnel?target=ssh`, { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    const missing = await upgradeStatus(`${url}/api/spaces/${name}-gone/tunnel?target=ssh`, { authorization: `Bearer ${f.server.key}` });
    expect(missing.status).toBe(404);
    const proxy = await f.cli(["ssh-proxy", name], { env: { CLAWDSPACE_KEY: "wrong" } });
    expect(proxy.code).toBe(77);
  });

  it("ssh with a key the space never got is refused by sshd (key-only: no password prompt)", async () => {
    const stranger = join(f.e.home, "stranger");
    expect((await tool(f.e.home, "ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger])).code).toBe(0);
    // the block's way in (ProxyCommand, host key), but only the stranger's key
    const block = await readFile(sshConfig(), "utf8");
    const proxy = /^\s*ProxyCommand (.*)$/m.exec(block)![1]!;
    const known = /^\s*UserKnownHostsFile (.*)$/m.exec(block)![1]!;
    const opts = ["-F", "/dev/null", "-o", "BatchMode=yes", "-o", `ProxyCommand=${proxy}`, "-o", `UserKnownHostsFile=${known}`, "-o", `HostKeyAlias=${host}`, "-o", "IdentitiesOnly=yes", "-i", stranger];
    const r = await tool(f.e.home, "ssh", [...opts, `sandbox@${host}`, "true"]);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
  });
});
