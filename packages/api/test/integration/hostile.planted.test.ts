import { describe, expect, it } from "vitest";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable } from "./support.js";

// (The test's own commands use absolute paths: a user exec runs the image's PATH, planted folders first.)
// Programs that print without end, planted where the sandbox user can write and the image's PATH looks first.
const PLANT = `for d in "$HOME/.local/bin" "$HOME/.npm-global/bin"; do
  /bin/mkdir -p "$d"
  for p in sh bash ps du find awk grep tr head stat tail cat rm mkdir mv ls realpath timeout git id; do
    printf '#!/bin/sh\\nexec /usr/bin/yes pwned\\n' > "$d/$p"; /bin/chmod +x "$d/$p"
  done
done`;

describe.skipIf(!engineAvailable)("hostile: programs planted on the space's PATH", () => {
  const s = useServerWithSpace("plant", { space: { privileges: "relaxed" }, env: { TASK_POLL_MS: "500" } });

  it("the server's own calls never run them, stay bounded, and give right answers", async () => {
    await s.exec(["/bin/sh", "-c", PLANT]);
    // The planted programs are there and would flood whoever runs them by name from a login shell.
    expect((await s.exec(["/bin/sh", "-c", "/bin/ls ~/.local/bin | /usr/bin/wc -l"])).stdout.trim()).toBe("20");
    const rss0 = process.memoryUsage().rss;
    await s.exec(["/bin/sh", "-c", "echo hello > /workspace/planted.txt"]);
    const list = await s.client.listFiles(s.name, "/");
    expect(list.entries.map((e) => e.name)).toContain("planted.txt");
    const read = await s.client.readFile(s.name, "/planted.txt");
    expect(Buffer.from(read.contentBase64, "base64").toString()).toBe("hello\n");
    const obs = (await (await s.fetch(`/api/spaces/${s.name}/observability`)).json()) as { processes: unknown[]; disk: { workspaceBytes: number } | null };
    expect(obs.processes.length).toBeGreaterThan(0);
    expect(obs.disk?.workspaceBytes ?? 0).toBeGreaterThan(0);
    const sleep = await s.fetch(`/api/spaces/${s.name}/sleep`);
    expect(sleep.status).toBe(200);
    await s.deps.history.readOnce(s.name);
    const task = await s.client.tasks.start(s.name, { command: ["/bin/echo", "task ok"] });
    for (let i = 0; i < 40 && (await s.client.tasks.get(s.name, task.id)).state === "running"; i++) await new Promise((r) => setTimeout(r, 250));
    expect((await s.client.tasks.get(s.name, task.id)).state).toBe("succeeded");
    expect(process.memoryUsage().rss - rss0, "the server's memory stayed put").toBeLessThan(64 * 1024 * 1024);
    expect((await s.fetch("/api/health")).status).toBe(200);
  });

  it("a root exec runs system programs, not the ones the sandbox user planted", async () => {
    const asRoot = await s.exec("id -u; echo $PATH", { asRoot: true });
    const [uid, path] = asRoot.stdout.trim().split("\n");
    expect(uid).toBe("0");
    expect(path).not.toMatch(/sandbox|\.local|npm-global/);
    const argv = await s.exec(["id", "-u"], { asRoot: true });
    expect(argv.stdout).toBe("0\n");
  });
});
