import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ClawdspaceClient } from "@clawdspace/shared/client";
import { useCliServer } from "./fixture.js";
import { engineAvailable } from "./support.js";
import { tool, upgradeStatus } from "./tunnelHelpers.js";

describe.skipIf(!engineAvailable)("the tunnel on the real engine: a sleeping space, a template that closes ports", () => {
  const f = useCliServer("sshpol", { create: ["--template", "offline"] });
  const { name } = f;

  it("ssh into a paused space wakes it and runs the command", async () => {
    expect((await f.cli(["ssh-config", name])).code).toBe(0);
    expect((await f.cli(["stop", name])).code).toBe(0);
    const api = new ClawdspaceClient({ baseUrl: f.server.url, key: f.server.key });
    expect((await api.getSpace(name)).status).toBe("paused");
    const r = await tool(f.e.home, "ssh", ["-F", join(f.e.home, ".ssh", "config"), "-o", "BatchMode=yes", `clawdspace-${name}`, "echo awake"]);
    expect(r).toMatchObject({ code: 0, stdout: "awake\n" });
    expect((await api.getSpace(name)).status).toBe("running");
  });

  it("a template's tunnel settings close ssh and the ports outside its list (403); its listed port opens", async () => {
    const api = new ClawdspaceClient({ baseUrl: f.server.url, key: f.server.key });
    await api.putTemplate({ name: `${name}-t`, network: { mode: "none" }, tunnel: { ssh: false, ports: [3000] } });
    const shut = `${name}-shut`;
    try {
      expect((await f.cli(["create", shut, "--template", `${name}-t`])).code).toBe(0);
      const ws = f.server.url.replace(/^http/, "ws");
      const bearer = { authorization: `Bearer ${f.server.key}` };
      expect((await upgradeStatus(`${ws}/api/spaces/${shut}/tunnel?target=ssh`, bearer)).status).toBe(403);
      expect((await upgradeStatus(`${ws}/api/spaces/${shut}/tunnel?port=8080`, bearer)).status).toBe(403);
      expect((await upgradeStatus(`${ws}/api/spaces/${shut}/tunnel?port=3000`, bearer)).status).toBe(101);
      const cfg = await f.cli(["ssh-config", shut]);
      expect(cfg.code).toBe(77);
      expect(cfg.stderr).toMatch(/closes SSH/);
    } finally {
      await f.cli(["destroy", "-f", "--volume", shut]);
      await api.deleteTemplate(`${name}-t`).catch(() => undefined);
    }
  });
});
