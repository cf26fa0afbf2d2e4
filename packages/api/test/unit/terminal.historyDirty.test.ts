import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { attachTerminal } from "../../src/http/terminalUpgrade.js";
import { TermClient } from "../support/termClient.js";
import { KEY, createSpace, makeApp } from "./helpers.js";

describe("terminal output and the history reader", () => {
  it("the output after a command (its next prompt) has the history read again, not only the keystrokes", async () => {
    const t = makeApp();
    const server = createServer(t.app);
    attachTerminal(server, t.deps);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      await createSpace(t, "box");
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/spaces/box/terminal`;
      const c = await TermClient.open(url, { authorization: `Bearer ${KEY}` });
      c.type("echo hist\r");
      await c.waitText(/echo hist/);
      expect(t.deps.history.pending()).toEqual(["box"]);
      // A read made before bash appended the line: it finds nothing new and the space is no longer dirty.
      const shells = t.fake.execHandler;
      t.fake.execHandler = async (name, spec) => (spec.argv?.[0] === "/bin/sh" ? { exitCode: 0, stdout: "0 1 0\n" } : shells(name, spec));
      await t.deps.history.tick();
      expect(t.deps.history.pending()).toEqual([]);
      t.fake.ttys[0]!.emit("hist\r\n$ ");
      await c.waitText(/\$ $/);
      expect(t.deps.history.pending()).toEqual(["box"]);
      await c.close();
    } finally {
      await t.deps.terminals.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
