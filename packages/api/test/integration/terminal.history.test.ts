import { describe, expect, it } from "vitest";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable, type TestServer } from "./support.js";

describe.skipIf(!engineAvailable)("bash history into the audit log", () => {
  // a store of its own, so the restarted server finds what the first one recorded
  const s = useServerWithSpace("hist", { env: { HISTORY_POLL_MS: "300" }, dataDir: true });
  const { name } = s;

  const shellEvents = (srv: TestServer) => srv.deps.audit.query({ space: name, type: "space.shell", limit: 1000 });
  const commands = (srv: TestServer) => shellEvents(srv).map((e) => (e.meta as { command: string }).command);
  async function waitFor(srv: TestServer, cmd: string) {
    const deadline = Date.now() + 30_000;
    while (!commands(srv).includes(cmd)) {
      if (Date.now() > deadline) throw new Error(`no space.shell event for ${cmd}; have ${JSON.stringify(commands(srv))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const term = () => s.terminal(name);

  it("records each command once, with its own timestamp, across a server restart", async () => {
    const before = Date.now();
    const t = await term();
    t.type("echo hist-one\r");
    t.type("# just a comment\r");
    t.type("echo multi; \\\r");
    t.type("echo line\r");
    await t.waitText(/multi\r\nline\r\n/);
    await waitFor(s, "echo hist-one");
    await waitFor(s, "# just a comment");
    const one = shellEvents(s).find((e) => (e.meta as { command: string }).command === "echo hist-one")!;
    const ts = Date.parse(one.ts);
    // bash's own second-resolution stamp, from the "#<epoch>" line
    expect(ts % 1000).toBe(0);
    expect(ts).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(ts).toBeLessThanOrEqual(Date.now());
    expect(commands(s).some((c) => c.startsWith("#1") || /^#\d+$/.test(c))).toBe(false);
    await t.close();

    // Same store, new server: nothing is emitted again, new lines are.
    await s.restart();
    const t2 = await term();
    t2.type("echo hist-two\r");
    await t2.waitText(/[\r\n]hist-two\r\n/);
    await waitFor(s, "echo hist-two");
    await new Promise((r) => setTimeout(r, 1000));
    const all = commands(s);
    expect(all.filter((c) => c === "echo hist-one")).toHaveLength(1);
    expect(all.filter((c) => c === "echo hist-two")).toHaveLength(1);
    expect(all.filter((c) => c === "# just a comment")).toHaveLength(1);
    await t2.close();
  });
});
