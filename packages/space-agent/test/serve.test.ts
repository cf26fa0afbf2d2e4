import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT, cleanupTemps, descendants, procStat, requireBinary, sleep, stillRunning, tempRoot, vmRssKiB, waitFor } from "./helpers.js";
import { frame, open, run, spawnPayload } from "./serveClient.js";

let sock: string;
let agent: ChildProcess;

beforeAll(async () => {
  requireBinary();
  sock = join(tempRoot(), "agent.sock");
  agent = spawn(AGENT, ["serve", "--socket", sock], { stdio: "ignore", env: { ...process.env, BASE_VAR: "base" } });
  await waitFor(() => existsSync(sock), 5000, "the socket");
});
afterAll(() => {
  agent.kill("SIGKILL");
  cleanupTemps();
});

describe("serve: processes", () => {
  it("runs argv and reports pid, output per stream and the exit code", async () => {
    const c = await run(sock, ["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(c.frames[0]!.type).toBe("P");
    expect(c.frames[0]!.payload.readUInt32BE(0)).toBeGreaterThan(1);
    expect(c.output("o")).toBe("out\n");
    expect(c.output("e")).toBe("err\n");
    expect(c.exit()).toEqual({ code: 3, signal: 0 });
  });

  it("feeds stdin, honours cwd, and lays the request's env over its own", async () => {
    const dir = tempRoot();
    const c = await run(sock, ["sh", "-c", 'pwd; cat; echo "$BASE_VAR $X"'], { cwd: dir, env: ["X=req"], input: "in put\n" });
    expect(c.output("o")).toBe(`${dir}\nin put\nbase req\n`);
    expect(c.exit()?.code).toBe(0);
    const over = await run(sock, ["sh", "-c", 'echo "$BASE_VAR"'], { env: ["BASE_VAR=over"] });
    expect(over.output("o")).toBe("over\n");
  });

  it("a process that exits without reading its stdin: the client still gets the exit frame, and its writes never fail", async () => {
    const c = await open(sock);
    const errors: string[] = [];
    c.sock.on("error", (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
    c.send("S", spawnPayload(["sleep", "0.2"], { stdin: true }));
    await waitFor(() => c.frames.some((f) => f.type === "P"), 5000, "the start");
    // Far more than the pipe and the socket hold, still queued when the process ends: the agent must drop
    // it while the exit frame goes out, not close with it unread (a reset that can cost the client that frame).
    const chunk = Buffer.alloc(64 * 1024, 120);
    for (let i = 0; i < 64; i++) c.send("I", chunk);
    await c.closed;
    expect({ exit: c.exit(), errors }).toEqual({ exit: { code: 0, signal: 0 }, errors: [] });
  });

  it("a direct stdin: the process reads the connection itself, to the client's half-close, and says so in its start", async () => {
    const c = await open(sock);
    c.send("S", spawnPayload(["sh", "-c", "wc -c; [ -S /dev/stdin ] && echo socket"], { stdin: true, direct: true }));
    await waitFor(() => c.frames.some((f) => f.type === "P"), 5000, "the start");
    expect(c.frames[0]!.payload.length).toBe(8);
    // Bare bytes, no frames: 3 MiB that the agent never relays, then the end of our side only.
    const chunk = Buffer.alloc(1024 * 1024, 97);
    for (let i = 0; i < 3; i++) c.sock.write(chunk);
    c.sock.end();
    await c.closed;
    expect(c.output("o")).toBe(`${3 * 1024 * 1024}\nsocket\n`);
    expect(c.exit()).toEqual({ code: 0, signal: 0 });
    // A client that asks for no stdin gets no direct mode, whatever else it says.
    const plain = await run(sock, ["true"], { direct: true });
    expect(plain.frames[0]!.payload.length).toBe(4);
  });

  it("a direct stdin's client that goes away takes the process group with it", async () => {
    const c = await open(sock);
    c.send("S", spawnPayload(["sh", "-c", "sleep 30 & cat >/dev/null; wait"], { stdin: true, direct: true }));
    await waitFor(() => c.frames.some((f) => f.type === "P"), 5000, "the start");
    const pid = c.frames[0]!.payload.readUInt32BE(0);
    await waitFor(() => descendants(pid).length > 0, 5000, "the children");
    const group = [procStat(pid)!, ...descendants(pid)];
    c.sock.destroy();
    await waitFor(() => !group.some(stillRunning), 5000, "the group gone");
  });

  it("looks the program up on the request's PATH", async () => {
    const c = await run(sock, ["true"], { env: ["PATH=/nonexistent"] });
    expect(c.frames[0]).toMatchObject({ type: "F" });
    expect(c.frames[0]!.payload.readUInt32BE(0)).toBe(2);
  });

  it("a missing program fails at exec (stage 2, ENOENT), a missing cwd at chdir (stage 1)", async () => {
    const missing = await run(sock, ["no-such-program-xyz"]);
    expect(missing.frames.map((f) => f.type)).toEqual(["F"]);
    expect([missing.frames[0]!.payload.readUInt32BE(0), missing.frames[0]!.payload.readUInt32BE(4)]).toEqual([2, 2]);
    const cwd = await run(sock, ["true"], { cwd: "/no/such/dir" });
    expect(cwd.frames[0]!.payload.readUInt32BE(0)).toBe(1);
  });

  it("reports a signal death as 128+n with the signal", async () => {
    const c = await run(sock, ["sh", "-c", "kill -9 $$"]);
    expect(c.exit()).toEqual({ code: 137, signal: 9 });
  });

  it("a kill frame signals the process group", async () => {
    const c = await open(sock);
    c.send("S", spawnPayload(["sh", "-c", "sleep 30 & sleep 30; wait"]));
    await waitFor(() => c.frames.length > 0, 5000, "started");
    const sig = Buffer.alloc(4);
    sig.writeUInt32BE(15);
    c.send("K", sig);
    await c.closed;
    expect(c.exit()).toEqual({ code: 143, signal: 15 });
  });

  it("a closed connection kills the whole process group", async () => {
    const c = await open(sock);
    c.send("S", spawnPayload(["sh", "-c", "sleep 30 & sleep 31; wait"]));
    await waitFor(() => c.frames.length > 0, 5000, "started");
    const pid = c.frames[0]!.payload.readUInt32BE(0);
    await waitFor(() => descendants(pid).length >= 2, 5000, "the children");
    const kids = descendants(pid);
    c.sock.destroy();
    await waitFor(() => kids.every((k) => { const s = procStat(k.pid); return !s || s.state === "Z"; }) || undefined, 5000, "the group to die");
  });

  it("a request that outlived its deadline is refused, not run", async () => {
    const marker = join(tempRoot(), "ran");
    const c = await run(sock, ["sh", "-c", `touch ${marker}`], { notAfterMs: Date.now() - 1 });
    expect(c.frames.map((f) => f.type)).toEqual(["E"]);
    expect(existsSync(marker)).toBe(false);
  });

  it("holds output back while the client does not read (backpressure), then delivers all of it", async () => {
    const c = await open(sock);
    c.sock.pause();
    c.send("S", spawnPayload(["sh", "-c", "head -c 20000000 /dev/zero"]));
    await sleep(500);
    expect(vmRssKiB(agent.pid!)).toBeLessThan(4096);
    c.sock.resume();
    await c.closed;
    expect(c.frames.filter((f) => f.type === "o").reduce((n, f) => n + f.payload.length, 0)).toBe(20_000_000);
    expect(c.exit()?.code).toBe(0);
  });

  it("a FIFO on stdin-less spawns never blocks the agent: other requests still answer", async () => {
    const fifo = join(tempRoot(), "fifo");
    execFileSync("mkfifo", [fifo]);
    const stuck = await open(sock);
    stuck.send("S", spawnPayload(["sh", "-c", `cat ${fifo}`]));
    const c = await run(sock, ["echo", "free"]);
    expect(c.output("o")).toBe("free\n");
    stuck.sock.destroy();
  });
});

describe("serve: untrusted input", () => {
  it("closes on an oversized frame without reading it", async () => {
    const c = await open(sock);
    c.sock.write(frame("I", Buffer.alloc(0)).subarray(0, 1));
    const h = Buffer.alloc(4);
    h.writeUInt32BE(0xffffffff);
    c.sock.write(h);
    await c.closed;
    expect(c.frames).toEqual([]);
  });

  it("refuses garbage and a frame other than spawn first", async () => {
    const bad = await open(sock);
    bad.send("S", Buffer.from("garbage"));
    await bad.closed;
    expect(bad.frames.map((f) => f.type)).toEqual(["E"]);
    const early = await open(sock);
    early.send("I", Buffer.from("x"));
    await early.closed;
    expect(early.frames.map((f) => f.type)).toEqual(["E"]);
  });

  it("stays small and asleep when idle", async () => {
    await sleep(300);
    const before = readFileSync(`/proc/${agent.pid}/stat`, "utf8");
    await sleep(1000);
    const after = readFileSync(`/proc/${agent.pid}/stat`, "utf8");
    const cpu = (s: string) => { const f = s.slice(s.lastIndexOf(")") + 2).split(" "); return Number(f[11]) + Number(f[12]); };
    expect(cpu(after) - cpu(before)).toBe(0);
    expect(vmRssKiB(agent.pid!)).toBeLessThanOrEqual(2048);
  });
});

describe("serve --daemon", () => {
  it("returns once listening and keeps serving after its parent is gone", async () => {
    const path = join(tempRoot(), "d.sock");
    const r = spawn(AGENT, ["serve", "--daemon", "--socket", path], { stdio: "ignore" });
    const code = await new Promise((res) => r.on("exit", res));
    expect(code).toBe(0);
    expect(existsSync(path)).toBe(true);
    const c = await run(path, ["sh", "-c", "echo $PPID"]);
    expect(c.exit()?.code).toBe(0);
    const daemonPid = Number(c.output("o"));
    expect(procStat(daemonPid)?.ppid).not.toBe(r.pid);
    process.kill(daemonPid, "SIGKILL");
  });
});
