import { describe, expect, it } from "vitest";
import { useServerWithSpace, type SpaceFixture } from "./fixture.js";
import { engineAvailable } from "./support.js";

/**
 * A space's code owns its agent: it can kill it, or put its own process on the socket. Either way
 * only that space's own calls may slow down or fail clearly; the server stays whole and bounded.
 */

/** A shell command run with the engine's exec as the space's user (never through the agent under test). */
async function engineSh(s: SpaceFixture, name: string, cmd: string): Promise<string> {
  const exec = await s.docker.getContainer(`clawdspace-${name}`).exec({ Cmd: ["sh", "-c", cmd], User: "1001:1001", AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  // The engine's multiplexed framing: 8-byte headers (stream, 0, 0, 0, length) before each piece.
  const raw = Buffer.concat(chunks);
  let out = "";
  for (let off = 0; off + 8 <= raw.length; off += 8 + raw.readUInt32BE(off + 4)) out += raw.toString("utf8", off + 8, off + 8 + raw.readUInt32BE(off + 4));
  return out;
}

const agentPids = (s: SpaceFixture, name: string) => engineSh(s, name, "pgrep -x clawdspace-agen || true");

// Modes are read per connection from a file, so one impostor plays every part in turn.
const IMPOSTOR = `
import os, socket, time
path = "/run/clawdspace/agent.sock"; tmp = path + ".new"
s = socket.socket(socket.AF_UNIX); s.bind(tmp); os.chmod(tmp, 0o666); s.listen(16)
os.rename(tmp, path)  # over the real agent's socket: there is never a moment without a listener
open("/tmp/impostor.ready", "w").close()
held = []
while True:
    c, _ = s.accept()
    mode = open("/tmp/impostor.mode").read().strip()
    c.recv(65536)
    if mode == "garbage": c.sendall(b"HTTP/1.1 400 Bad Request\\r\\n\\r\\n" * 50)
    elif mode == "huge": c.sendall(b"o\\x7f\\xff\\xff\\xff" + b"x" * 65536)
    elif mode == "silent": held.append(c); continue
    elif mode == "broken": c.sendall(b"P\\x00\\x00\\x00\\x04\\x00\\x00\\x00\\x07" + b"\\xff" * 64)
    elif mode == "flood": c.sendall(b"P\\x00\\x00\\x00\\x04\\x00\\x00\\x00\\x07"); [c.sendall(b"o\\x00\\x01\\x00\\x00" + b"y" * 65536) for _ in range(400)]
    c.close()
`;

describe.skipIf(!engineAvailable)("hostile: a space against its own agent", () => {
  const s = useServerWithSpace("hagent");
  const { name } = s;
  const counts = () => ({ ...s.deps.spaceAgent!.exec.counts });

  it("a killed agent: the next call falls back at once, and the agent is started again", async () => {
    expect((await s.exec(["true"])).exitCode).toBe(0);
    expect(counts().agent).toBeGreaterThan(0);
    await engineSh(s, name, "pkill -9 -x clawdspace-agen");
    expect((await agentPids(s, name)).trim()).toBe("");
    const before = counts();
    const t = Date.now();
    const r = await s.exec(["echo", "still here"]);
    expect(r).toMatchObject({ exitCode: 0, stdout: "still here\n" });
    expect(counts().fallback).toBeGreaterThan(before.fallback);
    // At once: a refused socket, not the answer deadline (and a docker exec's cost, on a busy machine).
    expect(Date.now() - t).toBeLessThan(5_000);
    let pids = "";
    for (let i = 0; i < 50 && !pids.trim(); i++) {
      await new Promise((res) => setTimeout(res, 200));
      pids = await agentPids(s, name);
    }
    expect(pids.trim()).not.toBe("");
    const again = counts().agent;
    expect((await s.exec(["true"])).exitCode).toBe(0);
    expect(counts().agent).toBe(again + 1);
  });

  it("a stopped and started space comes back with its agent", async () => {
    await s.post(`/api/spaces/${name}/stop`, {});
    await s.post(`/api/spaces/${name}/start`, {});
    const before = counts().agent;
    // The container's command starts it a moment after the start answers: calls meanwhile fall back.
    for (let i = 0; i < 30 && counts().agent === before; i++) {
      expect((await s.exec(["true"])).exitCode).toBe(0);
      if (counts().agent === before) await new Promise((res) => setTimeout(res, 100));
    }
    expect(counts().agent).toBe(before + 1);
  });

  it("an impostor on the socket gets the fallback or a clear error, and the server's memory stays bounded", async () => {
    await engineSh(s, name, `echo silent > /tmp/impostor.mode; cat > /tmp/impostor.py <<'PY'\n${IMPOSTOR}\nPY\nsetsid python3 /tmp/impostor.py </dev/null >/tmp/impostor.log 2>&1 &\nfor i in $(seq 50); do [ -e /tmp/impostor.ready ] && break; sleep 0.1; done; pkill -9 -x clawdspace-agen; true`);
    const rss0 = process.memoryUsage().rss;
    for (const mode of ["garbage", "huge", "silent"]) {
      await engineSh(s, name, `echo ${mode} > /tmp/impostor.mode`);
      const before = counts().fallback;
      for (let i = 0; i < 5; i++) {
        const r = await s.exec(["echo", mode]);
        expect(r, mode).toMatchObject({ exitCode: 0, stdout: `${mode}\n` });
      }
      expect(counts().fallback, mode).toBe(before + 5);
    }
    for (const mode of ["broken", "flood"]) {
      await engineSh(s, name, `echo ${mode} > /tmp/impostor.mode`);
      const res = await s.post(`/api/spaces/${name}/exec`, { command: ["true"], maxOutputBytes: 1024 });
      if (mode === "broken") {
        expect(res.status).toBe(502);
        expect(await res.json()).toMatchObject({ code: "SPACE_AGENT_FAILED" });
      } else {
        // A flood of output is the space's own: capped like any command's, then the impostor hangs up.
        expect([200, 502]).toContain(res.status);
        await res.text();
      }
    }
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * 1024 ** 2);
    // Other calls of the server are untouched.
    expect((await s.client.getSpace(name)).name).toBe(name);
  });

  it("under gVisor (whose sockets stay inside the sandbox) a space gets no agent, and exec takes docker exec", async (ctx) => {
    const hasRunsc = ((await s.client.capabilities()).runtimes ?? []).includes("runsc");
    if (!hasRunsc && process.env.CI === "true") throw new Error("CI=true but the engine has no runsc runtime");
    if (!hasRunsc) ctx.skip();
    await s.client.putTemplate({ name: "t-agent-gvisor", security: { runtime: "runsc" } });
    const g = s.spaceName("hag");
    expect((await s.post("/api/spaces", { name: g, template: "t-agent-gvisor", memory: "384m" })).status).toBe(201);
    const inspected = await s.docker.getContainer(`clawdspace-${g}`).inspect();
    expect(inspected.Mounts.map((m) => m.Destination)).not.toContain("/run/clawdspace");
    const before = counts();
    expect((await s.client.exec(g, { command: ["echo", "ok"] })).stdout).toBe("ok\n");
    expect(counts()).toEqual({ agent: before.agent, fallback: before.fallback + 1 });
  });
});
