import { spawn } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCliServer } from "./fixture.js";
import { CLI, engineAvailable } from "./support.js";

describe.skipIf(!engineAvailable)("clawdspace cp and audit --follow against a real server", () => {
  const f = useCliServer("cp", { create: ["--memory", "256m"] });
  const { name } = f;

  it("copies a folder into a space and back, keeping bytes, modes, empty folders and symlinks", async () => {
    const src = mkdtempSync(join(tmpdir(), "cs-cp-src-"));
    mkdirSync(join(src, "proj", "bin"), { recursive: true });
    mkdirSync(join(src, "proj", "empty"));
    writeFileSync(join(src, "proj", "bin", "run.sh"), "#!/bin/sh\necho ran\n");
    chmodSync(join(src, "proj", "bin", "run.sh"), 0o755);
    const blob = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 31) % 251;
    writeFileSync(join(src, "proj", "blob.bin"), blob);
    symlinkSync("bin/run.sh", join(src, "proj", "run"));

    const up = await f.cli(["cp", join(src, "proj"), `${name}:/`]);
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    // In the space: the tree is there, the script runs through its symlink, owned by the space's user.
    const check = await f.cli(["exec", name, "cd /workspace/proj && ./run && stat -c '%a %U' bin/run.sh && readlink run && test -d empty && sha256sum blob.bin"]);
    expect(check.code).toBe(0);
    const [ran, modeOwner, link] = check.stdout.split("\n");
    expect(ran).toBe("ran");
    expect(modeOwner).toBe("755 sandbox");
    expect(link).toBe("bin/run.sh");
    const { createHash } = await import("node:crypto");
    expect(check.stdout).toContain(createHash("sha256").update(blob).digest("hex"));

    // Into a new local name, then into an existing folder.
    const dst = mkdtempSync(join(tmpdir(), "cs-cp-dst-"));
    const down = await f.cli(["cp", `${name}:/proj`, join(dst, "copy")]);
    expect(down.stderr).toBe("");
    expect(down.code).toBe(0);
    expect(readFileSync(join(dst, "copy", "blob.bin")).equals(blob)).toBe(true);
    expect(lstatSync(join(dst, "copy", "bin", "run.sh")).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(dst, "copy", "run"))).toBe("bin/run.sh");
    expect(lstatSync(join(dst, "copy", "empty")).isDirectory()).toBe(true);

    const into = await f.cli(["cp", `${name}:/proj/bin/run.sh`, dst]);
    expect(into.code).toBe(0);
    expect(readFileSync(join(dst, "run.sh"), "utf8")).toBe("#!/bin/sh\necho ran\n");
  });

  it("a missing remote path is exit code 66, a space-to-space copy a usage error", async () => {
    const dst = mkdtempSync(join(tmpdir(), "cs-cp-miss-"));
    const missing = await f.cli(["cp", `${name}:/no/such/thing`, dst]);
    expect(missing.code).toBe(66);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect((await f.cli(["cp", `${name}:/a`, `${name}:/b`])).code).toBe(64);
  });

  it("audit --follow prints new events as they happen, once each", async () => {
    const child = spawn(process.execPath, [CLI, "audit", "--follow", "--json", "--space", name, "-n", "1"], { env: f.e.env });
    let out = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      await f.cli(["exec", name, "echo followed"]);
      await f.cli(["keepalive", name, "--for", "1m"]);
      const until = Date.now() + 15_000;
      while (!(out.includes("space.exec") && out.includes("space.keepalive")) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      const events = out.trim().split("\n").map((l) => JSON.parse(l) as { id: number; type: string; space: string });
      expect(events.map((ev) => ev.type)).toEqual(expect.arrayContaining(["space.exec", "space.keepalive"]));
      expect(new Set(events.map((ev) => ev.id)).size).toBe(events.length);
      expect(events.every((ev) => ev.space === name)).toBe(true);
    } finally {
      child.kill("SIGINT");
    }
  });
});
