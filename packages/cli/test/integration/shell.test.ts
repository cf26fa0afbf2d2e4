import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useCliServer } from "./fixture.js";
import { CLI, engineAvailable, runId } from "./support.js";

/** tmux on a socket of this run's own, so a developer's tmux is never touched. */
const socket = `clawdspace-test-${runId}`;
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-J", "-t", "t");

async function waitForScreen(check: (s: string) => boolean, what: string, ms = 30_000): Promise<string> {
  const until = Date.now() + ms;
  let last = "";
  while (Date.now() < until) {
    last = screen();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}; the pane shows:\n${last}`);
}

const count = (s: string, needle: string) => s.split(needle).length - 1;

describe.skipIf(!engineAvailable)("clawdspace shell, driven in tmux", () => {
  // The key reaches the CLI through ~/.clawdspace, never through the command typed in the pane.
  const f = useCliServer("sh", { create: ["--memory", "256m"] });
  const { name } = f;

  beforeAll(async () => {
    const env = Object.entries({ ...f.e.env, TERM: "xterm-256color" }).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "30", ...env, "bash --norc --noprofile");
    await waitForScreen((s) => /[$#] $/m.test(s), "a local prompt");
    // A prompt of our own, so the local shell is never mistaken for the space's.
    tmux("send-keys", "-t", "t", "export PS1='outer$ '", "Enter");
    await waitForScreen((s) => s.includes("outer$"), "the outer prompt");
  });
  afterAll(async () => {
    try {
      tmux("kill-server");
    } catch {
      // already gone
    }
    // tmux leaves its socket file behind
    rmSync(join(process.env.TMUX_TMPDIR ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
  });

  it("types a command and sees its output, follows a resize, detaches and reattaches to the same session with only what it missed", async () => {
    tmux("send-keys", "-t", "t", `${process.execPath} ${CLI} shell ${name}`, "Enter");
    await waitForScreen((s) => /sandbox@|\$ $/m.test(s.split("outer$").pop() ?? ""), "the space's prompt");

    tmux("send-keys", "-t", "t", "echo answer-$((6*7))", "Enter");
    await waitForScreen((s) => s.includes("answer-42"), "the command's output");

    tmux("resize-window", "-t", "t", "-x", "120", "-y", "40");
    // The resize travels (SIGWINCH to the CLI, the socket, the engine's resize call) while the keys go
    // straight to the shell: a `stty size` typed at once may print the old size. Ask again until it is seen.
    for (let tries = 0; ; tries++) {
      tmux("send-keys", "-t", "t", "stty size", "Enter");
      const seen = await waitForScreen((s) => s.includes("40 120"), "stty size after the resize", 3_000).then(
        () => true,
        (e: Error) => (tries >= 9 ? Promise.reject(e) : false),
      );
      if (seen) break;
    }

    // Output that arrives while we are away, then the detach key (Ctrl-]).
    tmux("send-keys", "-t", "t", "sleep 2; echo missed-$((1+1))", "Enter");
    tmux("send-keys", "-t", "t", "C-]");
    const detached = await waitForScreen((s) => /reattach with: clawdspace shell \S+ --session \S+/.test(s), "the detach message");
    const session = /--session (\S+)/.exec(detached)![1]!;
    await waitForScreen((s) => s.trimEnd().endsWith("outer$"), "the outer prompt after detaching");

    // The shell lives on: its session is still listed by the f.server.
    const listed = await fetch(`${f.server.url}/api/spaces/${name}/terminals`, { headers: { authorization: `Bearer ${f.server.key}` } });
    expect(JSON.stringify(await listed.json())).toContain(session);

    await new Promise((r) => setTimeout(r, 3000));
    tmux("send-keys", "-t", "t", "clear", "Enter");
    tmux("clear-history", "-t", "t");
    tmux("send-keys", "-t", "t", `${process.execPath} ${CLI} shell ${name} --session ${session}`, "Enter");
    const back = await waitForScreen((s) => s.includes("missed-2"), "the output missed while detached");
    // Replayed from the saved cursor: what was seen before the detach is not sent again.
    expect(back).not.toContain("answer-42");
    expect(count(back, "missed-2")).toBe(1);

    tmux("send-keys", "-t", "t", "echo still-$((2*21))", "Enter");
    await waitForScreen((s) => s.includes("still-42"), "typing after the reattach");

    tmux("send-keys", "-t", "t", "exit", "Enter");
    await waitForScreen((s) => s.includes("[shell exited") && s.trimEnd().endsWith("outer$"), "the shell's exit");
    tmux("send-keys", "-t", "t", "echo cli-exit=$?", "Enter");
    await waitForScreen((s) => s.includes("cli-exit=0"), "the CLI's exit code");
  });
});
