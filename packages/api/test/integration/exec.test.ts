import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXEC_PATHS, expectPath, pathCounts } from "./execPaths.js";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable } from "./support.js";

describe.skipIf(!engineAvailable).each(EXEC_PATHS)("exec on the real engine via $path", ({ path, env }) => {
  const s = useServerWithSpace("exec", { env });
  const { name } = s;
  let before: ReturnType<typeof pathCounts>;
  beforeEach(() => {
    before = pathCounts(s);
  });
  // Every guarantee below is proven on the path this suite names, not on whichever answered.
  afterEach(() => expectPath(s, path, before));

  it("keeps stdout and stderr apart and passes exit code 42", async () => {
    const r = await s.client.exec(name, { command: "echo out; echo err >&2; exit 42" });
    expect(r).toMatchObject({ stdout: "out\n", stderr: "err\n", exitCode: 42, timedOut: false, truncated: false });
  });

  it("runs a string command that starts with a dash as a command, not as a bash option", async () => {
    const r = await s.client.exec(name, { command: "-x 2>/dev/null; echo ran" });
    expect(r.stdout).toBe("ran\n");
  });

  it("runs an array as argv without a shell", async () => {
    const r = await s.client.exec(name, { command: ["printf", "%s|", "a b", "$HOME", "*"] });
    expect(r.stdout).toBe("a b|$HOME|*|");
  });

  it("honours cwd, env and stdin", async () => {
    await s.client.exec(name, { command: "mkdir -p /workspace/sub" });
    const r = await s.client.exec(name, {
      command: 'pwd; echo "$GREETING"; cat',
      cwd: "/workspace/sub",
      env: { GREETING: "hi there" },
      stdin: "from stdin\nline two\n",
    });
    expect(r.stdout).toBe("/workspace/sub\nhi there\nfrom stdin\nline two\n");
  });

  it("returns non-ASCII output intact", async () => {
    const text = "héllo wörld 世界 🎉 ✓";
    const r = await s.client.exec(name, { command: ["printf", "%s", text] });
    expect(r.stdout).toBe(text);
    // many multi-byte characters over several chunks
    const big = await s.client.exec(name, { command: "for i in $(seq 1 20000); do printf '世界🎉'; done" });
    expect(big.stdout).toBe("世界🎉".repeat(20000));
  });

  it("kills a command at timeoutMs and says so", async () => {
    const started = Date.now();
    const r = await s.client.exec(name, { command: "sleep 30; echo never", timeoutMs: 1500 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r).toMatchObject({ timedOut: true, exitCode: 124, code: "EXEC_TIMEOUT" });
    expect(r.stdout).not.toContain("never");
    // the killed process is really gone
    const ps = await s.client.exec(name, { command: "ps -eo args | grep -c '[s]leep 30' || true" });
    expect(ps.stdout.trim()).toBe("0");
  });

  it("marks capped output as truncated without breaking characters", async () => {
    const r = await s.client.exec(name, { command: "for i in $(seq 1 5000); do printf 'é'; done", maxOutputBytes: 1001 });
    expect(r.truncated).toBe(true);
    expect(r.stdout).toBe("é".repeat(500));
  });

  it("streams NDJSON lines and ends with the exit code", async () => {
    const lines: unknown[] = [];
    for await (const line of s.client.execStream(name, { command: "echo a; echo b >&2; sleep 0.2; echo c; exit 3" })) lines.push(line);
    const out = lines.filter((l): l is { stream: string; data: string } => typeof l === "object" && l !== null && "stream" in l);
    expect(out.filter((l) => l.stream === "stdout").map((l) => l.data).join("")).toBe("a\nc\n");
    expect(out.filter((l) => l.stream === "stderr").map((l) => l.data).join("")).toBe("b\n");
    expect(lines.at(-1)).toMatchObject({ exitCode: 3, timedOut: false });
  });

  it("kills what an exec left running when its client goes away", async () => {
    for (const mode of ["application/x-ndjson", "application/json"]) {
      const ac = new AbortController();
      const req = s
        .fetch(`/api/spaces/${name}/exec`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: mode },
          body: JSON.stringify({ command: "while true; do echo tick; sleep 0.2; done & sleep 300" }),
          signal: ac.signal,
        })
        .then((r) => r.body?.cancel())
        .catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1500));
      ac.abort();
      await req;
      let left = "";
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 500));
        left = (await s.client.exec(name, { command: ["sh", "-c", "ps -eo args | grep -E '^(sleep 300|bash -lc while)' || true"] })).stdout;
        if (!left.trim()) break;
      }
      expect(left.trim(), mode).toBe("");
    }
  });

  it("says plainly when the process cannot start", async () => {
    const missing = await s.client.exec(name, { command: ["no-such-program", "x"] });
    expect(missing).toMatchObject({ exitCode: 127, stdout: "" });
    expect(missing.stderr).toMatch(/no-such-program: command not found/);
    const badCwd = await s.post(`/api/spaces/${name}/exec`, { command: "pwd", cwd: "/no/such/dir" });
    expect(badCwd.status).toBe(400);
    expect(((await badCwd.json()) as { error: string }).error).toMatch(/cwd/);
  });

  it("rejects bad input with a 400", async () => {
    await s.exec("true"); // bad input never reaches a space: this keeps the path check honest
    for (const body of [
      {},
      { command: "" },
      { command: [] },
      { command: 5 },
      { command: "x", cwd: "rel" },
      { command: "x", timeoutMs: 0 },
      { command: "x", env: { A: "a\u0000b" } },
      { command: "x".repeat(200_000) },
    ]) {
      const res = await s.post(`/api/spaces/${name}/exec`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});
