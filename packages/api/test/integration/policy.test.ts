import { beforeAll, describe, expect, it } from "vitest";
import { useTestServer } from "./fixture.js";
import { engineAvailable } from "./support.js";

describe.skipIf(!engineAvailable)("templates, privileges and secrets on the real engine", () => {
  const s = useTestServer();

  it("a template's settings reach the container: relaxed privileges, read-only root, env defaults, overrides", async () => {
    await s.client.putTemplate(`
name: t-relaxed
description: root for apt
resources: { memory: 384m, cpus: 0.5 }
security: { privileges: relaxed, writableRootfs: false }
env: { FROM_TEMPLATE: "yes", OVERRIDDEN: template }
`);
    const name = s.spaceName("tpl");
    const res = await s.post("/api/spaces", { name, template: "t-relaxed", memory: "320m", env: { OVERRIDDEN: "request" } });
    expect(res.status, await res.clone().text()).toBe(201);
    const space = ((await res.json()) as { space: Record<string, unknown> }).space;
    expect(space).toMatchObject({ template: "t-relaxed", memory: 320 * 1024 ** 2, cpus: 0.5, privileges: "relaxed", writableRootfs: false });

    const env = await s.client.exec(name, { command: 'echo "$FROM_TEMPLATE $OVERRIDDEN"; id -u' });
    expect(env.stdout).toBe("yes request\n1001\n");
    // root on request, with the engine's default capabilities (CAP_CHOWN etc.)
    const root = await s.client.exec(name, { command: ["sh", "-c", "id -u; grep CapEff /proc/self/status"], asRoot: true });
    expect(root.stdout.split("\n")[0]).toBe("0");
    expect(root.stdout).not.toMatch(/CapEff:\s+0000000000000000/);
    // a read-only root: /usr cannot be written even by root; home and /tmp can
    const ro = await s.client.exec(name, { command: "touch /usr/x 2>&1; echo rc=$?; touch ~/ok /tmp/ok && echo home-ok" });
    expect(ro.stdout).toMatch(/Read-only file system/);
    expect(ro.stdout).toContain("home-ok");
    await s.removeSpace(name);
    await s.client.deleteTemplate("t-relaxed");
  });

  it("relaxed: root in the space can apt-get install (from Debian's mirror, as installs do)", async () => {
    const name = s.spaceName("apt");
    expect((await s.post("/api/spaces", { name, memory: "512m", privileges: "relaxed", network: "internet" })).status).toBe(201);
    const apt = await s.client.exec(name, {
      command: "apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq --no-install-recommends sl >/dev/null 2>&1; echo rc=$?; test -x /usr/games/sl && echo installed",
      asRoot: true,
      timeoutMs: 240_000,
    });
    expect(apt.stdout).toBe("rc=0\ninstalled\n");
    // the space's own user still cannot
    const user = await s.client.exec(name, { command: "apt-get install -y -qq cowsay >/dev/null 2>&1; echo rc=$?" });
    expect(user.stdout).not.toBe("rc=0\n");
    await s.removeSpace(name);
  }, 300_000);

  it("strict (the default) has no capabilities and refuses exec as root", async () => {
    const name = s.spaceName("strict");
    expect((await s.post("/api/spaces", { name, memory: "256m" })).status).toBe(201);
    const caps = await s.client.exec(name, { command: "grep CapEff /proc/self/status; id -u" });
    expect(caps.stdout).toMatch(/CapEff:\s+0000000000000000\n1001\n/);
    const refused = await s.post(`/api/spaces/${name}/exec`, { command: "id -u", asRoot: true });
    expect(refused.status).toBe(403);
    await s.removeSpace(name);
  });

  it("envFile lands in /workspace with mode 0600 owned by the space's user", async () => {
    const name = s.spaceName("envf");
    const secret = `s3cr3t_${Math.random().toString(36).slice(2)}`;
    const bin = Buffer.from([0x00, 0xff, 0x10, 0x0a]);
    const res = await s.post("/api/spaces", { name, memory: "256m", envFile: `TOKEN=${secret}\n`, env: { VISIBLE: secret } });
    expect(res.status, await res.clone().text()).toBe(201);
    const st = await s.client.exec(name, { command: ["stat", "-c", "%a %u %g %s", "/workspace/.env"] });
    expect(st.stdout).toBe(`600 1001 1001 ${`TOKEN=${secret}\n`.length}\n`);
    expect((await s.client.exec(name, { command: ["cat", "/workspace/.env"] })).stdout).toBe(`TOKEN=${secret}\n`);
    expect((await s.client.exec(name, { command: 'printf %s "$VISIBLE"' })).stdout).toBe(secret);
    const audit = JSON.stringify(s.deps.audit.query({ space: name, limit: 100 }));
    expect(audit).toContain("VISIBLE");
    expect(audit).not.toContain(secret);
    await s.removeSpace(name);

    const name2 = s.spaceName("envb");
    const res2 = await s.post("/api/spaces", { name: name2, memory: "256m", envFile: { content: bin.toString("base64"), encoding: "base64", path: "sub/key.bin" } });
    expect(res2.status).toBe(201);
    const st2 = await s.client.exec(name2, { command: "stat -c '%a %u' /workspace/sub/key.bin; od -An -tx1 /workspace/sub/key.bin" });
    expect(st2.stdout.replace(/\s+/g, " ").trim()).toBe("600 1001 00 ff 10 0a");
    await s.removeSpace(name2);
  });
});

describe.skipIf(!engineAvailable)("a space under gVisor (runsc)", () => {
  const s = useTestServer();
  let hasRunsc = false;
  beforeAll(async () => {
    hasRunsc = ((await s.client.capabilities()).runtimes ?? []).includes("runsc");
    if (!hasRunsc && process.env.CI === "true") throw new Error("CI=true but the engine has no runsc runtime: run .ci/setup-engine.sh");
    if (!hasRunsc) console.warn("!!! the engine has no runsc runtime: the gVisor lifecycle test is SKIPPED (see docs/TEMPLATES.md)");
  });

  it("does the whole lifecycle, and the kernel it reports is gVisor's", async (ctx) => {
    if (!hasRunsc) ctx.skip();
    await s.client.putTemplate({ name: "t-gvisor", security: { runtime: "runsc" } });
    const name = s.spaceName("gvisor");
    const res = await s.post("/api/spaces", { name, template: "t-gvisor", memory: "384m" });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(((await res.json()) as { space: unknown }).space).toMatchObject({ runtime: "runsc", template: "t-gvisor" });
    const inspected = await s.docker.getContainer(`clawdspace-${name}`).inspect();
    expect(inspected.HostConfig.Runtime).toBe("runsc");

    const kernel = await s.client.exec(name, { command: "dmesg | head -1; uname -r; id -u" });
    expect(kernel.stdout).toMatch(/gVisor/);
    expect(kernel.stdout).toMatch(/\n1001\n$/);
    expect((await s.client.exec(name, { command: "echo kept > /workspace/f && cat /workspace/f" })).stdout).toBe("kept\n");

    // pause and warm wake
    expect((await s.fetch(`/api/spaces/${name}/stop`, { method: "POST" })).status).toBe(200);
    expect((await s.client.getSpace(name)).status).toBe("paused");
    const warm = await s.fetch(`/api/spaces/${name}/start`, { method: "POST" });
    expect(warm.headers.get("x-clawdspace-wake")).toBe("warm");
    expect((await s.client.exec(name, { command: "cat /workspace/f" })).stdout).toBe("kept\n");

    // stopped (as hibernation leaves it) and a cold wake by an exec
    await s.engine.containers.stop(name, 5);
    expect((await s.client.getSpace(name)).status).toBe("stopped");
    const cold = await s.post(`/api/spaces/${name}/exec`, { command: "cat /workspace/f; dmesg | head -1" });
    expect(cold.headers.get("x-clawdspace-wake")).toBe("cold");
    const out = (await cold.json()) as { stdout: string };
    expect(out.stdout).toMatch(/^kept\n.*gVisor/s);

    const stats = await s.client.stats(name);
    expect(stats.memoryLimitBytes).toBe(384 * 1024 ** 2);

    // the terminal: a TTY shell under gVisor
    const term = await s.terminal(name);
    term.type("uname -r; echo T_$((6*7))\r");
    await term.waitText(/[\r\n]T_42\r\n/);
    expect(term.text()).toContain("4.4.0");
    await term.close();
    expect((await s.removeSpace(name)).status).toBe(200);
    expect((await s.fetch(`/api/spaces/${name}`)).status).toBe(404);
    await s.client.deleteTemplate("t-gvisor");
  });

  it("a runtime the engine lacks is a 400 for a template and for a create", async () => {
    const t = await s.fetch("/api/templates", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "t-kata", security: { runtime: "kata-nope" } }) });
    expect(t.status).toBe(400);
    const c = await s.post("/api/spaces", { name: s.spaceName("nort"), runtime: "kata-nope" });
    expect(c.status).toBe(400);
    expect(((await c.json()) as { error: string }).error).toMatch(/no runtime "kata-nope"/);
  });
});

describe.skipIf(!engineAvailable)("a template's sleep timeouts on the real engine", () => {
  // the server's own policy would wait ten minutes; the template's spaces sleep after 2 s
  const s = useTestServer({ env: { IDLE_TIMEOUT_MS: "600000", HIBERNATE_AFTER_MS: "0", SLEEP_CHECK_MS: "500", SLEEP_CPU_THRESHOLD_PCT: "50" } });

  it("the worker pauses a quick template's space and then hibernates it, and leaves a default space running", async () => {
    await s.client.putTemplate({ name: "t-quick", sleep: { idleTimeout: "2s", hibernateAfter: "3s" } });
    const quick = s.spaceName("quick");
    const plain = s.spaceName("plain");
    expect((await s.post("/api/spaces", { name: quick, template: "t-quick", memory: "256m" })).status).toBe(201);
    expect((await s.post("/api/spaces", { name: plain, memory: "256m" })).status).toBe(201);
    expect((await s.client.getSpace(quick)).idleTimeoutMs).toBe(2000);

    const until = async (pred: () => Promise<boolean>, ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (await pred()) return true;
        await new Promise((r) => setTimeout(r, 250));
      }
      return false;
    };
    expect(await until(async () => (await s.client.getSpace(quick)).state === "sleeping", 30_000)).toBe(true);
    expect((await s.client.getSpace(plain)).state).toBe("running");
    expect(await until(async () => (await s.client.getSpace(quick)).state === "hibernated", 30_000)).toBe(true);
    expect((await s.client.getSpace(plain)).state).toBe("running");
    for (const n of [quick, plain]) await s.removeSpace(n);
    await s.client.deleteTemplate("t-quick");
  }, 90_000);
});
