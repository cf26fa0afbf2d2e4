import { describe, expect, it } from "vitest";
import { parseForwardSpec } from "../../src/ssh/forwardSpec.js";
import { configPath, renderBlock, sshStateDir, shellWord, upsertBlock, upsertKnownHosts, userSshConfig } from "../../src/ssh/sshFiles.js";

const block = (space: string, user = "sandbox") => renderBlock(space, [["User", user], ["HostKeyAlias", `clawdspace-${space}`]]);

describe("ssh-config block", () => {
  it("goes into an empty file, and running again changes nothing", () => {
    const once = upsertBlock("", "a", block("a"));
    expect(once).toBe(block("a"));
    expect(upsertBlock(once, "a", block("a"))).toBe(once);
  });

  it("goes before the first Host or Match line, after global lines, and leaves the rest byte for byte", () => {
    const user = "Compression yes\n\nHost *\n  User someone\n\nMatch host x\n  Port 2\n";
    const out = upsertBlock(user, "a", block("a"));
    expect(out.startsWith("Compression yes\n\n# >>> clawdspace a ")).toBe(true);
    expect(out.endsWith("\nHost *\n  User someone\n\nMatch host x\n  Port 2\n")).toBe(true);
    expect(out.replace(block("a") + "\n", "")).toBe(user);
  });

  it("replaces only its own block where it stands, and keeps other spaces' blocks", () => {
    let text = upsertBlock("Host other\n  User me\n", "a", block("a"));
    text = upsertBlock(text, "b", block("b"));
    const again = upsertBlock(text, "a", block("a", "newuser"));
    expect(again.split("# >>> clawdspace a ").length - 1).toBe(1);
    expect(again).toContain("User newuser");
    expect(again).not.toMatch(/Host clawdspace-a\n  User sandbox/);
    expect(again).toContain(block("b"));
    expect(again.indexOf("clawdspace-b")).toBeLessThan(again.indexOf("clawdspace-a"));
    expect(again).toContain("Host other\n  User me\n");
  });

  it("appends after global lines when the file has no Host at all", () => {
    expect(upsertBlock("ServerAliveInterval 5", "a", block("a"))).toBe(`ServerAliveInterval 5\n\n${block("a")}`);
  });
});

describe("known_hosts and quoting", () => {
  it("replaces the alias's lines and keeps everyone else's", () => {
    const text = "github.com ssh-ed25519 AAA\nclawdspace-a ssh-ed25519 OLD\n";
    expect(upsertKnownHosts(text, "clawdspace-a", ["ssh-ed25519 NEW"])).toBe("github.com ssh-ed25519 AAA\nclawdspace-a ssh-ed25519 NEW\n");
    expect(upsertKnownHosts("", "clawdspace-b", ["ssh-ed25519 K"])).toBe("clawdspace-b ssh-ed25519 K\n");
  });

  it("quotes words for ProxyCommand's shell and escapes ssh's % tokens", () => {
    expect(shellWord("/usr/bin/node")).toBe("/usr/bin/node");
    expect(shellWord("/a b/it's")).toBe("'/a b/it'\\''s'");
    expect(shellWord("http://h/%41")).toBe("'http://h/%%41'");
    expect(configPath("/home/x y/k")).toBe('"/home/x y/k"');
    expect(configPath("/d/cm-%C", true)).toBe("/d/cm-%C");
  });

  it("honours HOME and XDG_CONFIG_HOME", () => {
    expect(userSshConfig({ HOME: "/h" })).toBe("/h/.ssh/config");
    expect(sshStateDir({ HOME: "/h" })).toBe("/h/.config/clawdspace/ssh");
    expect(sshStateDir({ HOME: "/h", XDG_CONFIG_HOME: "/x" })).toBe("/x/clawdspace/ssh");
  });
});

describe("forward LOCAL[:REMOTE]", () => {
  it("takes one port for both ends, or two", () => {
    expect(parseForwardSpec("8080")).toEqual({ local: 8080, remote: 8080 });
    expect(parseForwardSpec("9000:3000")).toEqual({ local: 9000, remote: 3000 });
    expect(parseForwardSpec("0:3000")).toEqual({ local: 0, remote: 3000 });
  });

  it("refuses what is not a port pair as a usage error (exit 64)", () => {
    for (const bad of ["", "0", "x", "80:", ":80", "70000", "1:70000", "1:2:3"]) {
      expect(() => parseForwardSpec(bad), bad).toThrow(expect.objectContaining({ exitCode: 64 }));
    }
  });
});
