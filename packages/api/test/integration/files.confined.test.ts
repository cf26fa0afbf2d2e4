import { describe, expect, it } from "vitest";
import { EXEC_PATHS } from "./execPaths.js";
import { useServerWithSpace } from "./fixture.js";
import { engineAvailable } from "./support.js";

/**
 * Confinement against a space that fights back, on both paths: the agent's socket, and docker exec
 * (which runs the same `files` program of the image). The space's own processes race the server.
 */
describe.skipIf(!engineAvailable).each(EXEC_PATHS)("files confined to /workspace via $path", ({ env }) => {
  const s = useServerWithSpace("fconf", { env });
  const { name, sh } = s;

  it("a FIFO where a file was expected is a clear 409 at once, never a hang", async () => {
    await sh("rm -rf /workspace/pipe; mkfifo /workspace/pipe");
    const t = Date.now();
    const res = await s.fetch(`/api/spaces/${name}/file?path=/pipe`, { signal: AbortSignal.timeout(10_000) });
    expect({ status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({ status: 409, code: "FILE_CONFLICT" });
    const raw = await s.fetch(`/api/spaces/${name}/file?path=/pipe&raw=1`, { signal: AbortSignal.timeout(10_000) });
    expect(raw.status).toBe(409);
    expect(Date.now() - t).toBeLessThan(8_000);
  });

  it("a folder swapped for a link out of the workspace, again and again, never lets a read or write through", async () => {
    await sh(
      "rm -rf /workspace/d /workspace/d.real /tmp/outside; mkdir -p /workspace/d.real /tmp/outside; echo inside > /workspace/d.real/f; echo SECRET > /tmp/outside/f",
    );
    // The space's own loop: d is a folder, then a link to /tmp/outside, then a folder again, as fast as it can.
    const racer = s.exec(["sh", "-c", "end=$(($(date +%s)+6)); cd /workspace; while [ $(date +%s) -lt $end ]; do ln -sfn /tmp/outside d; rm -f d; ln -sfn d.real d; rm -f d; cp -r d.real d 2>/dev/null; rm -rf d; done"]);
    const seen = new Set<string>();
    const deadline = Date.now() + 4_000;
    let calls = 0;
    while (Date.now() < deadline) {
      calls++;
      const res = await s.fetch(`/api/spaces/${name}/file?path=/d/f&raw=1`);
      const body = await res.text();
      expect(body).not.toContain("SECRET");
      seen.add(res.status === 200 ? `200 ${body.trim()}` : String(res.status));
      const w = await s.fetch(`/api/spaces/${name}/file?path=/d/planted`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ contentBase64: Buffer.from("planted").toString("base64") }),
      });
      seen.add(`write ${w.status}`);
    }
    await racer;
    expect(calls).toBeGreaterThan(5);
    // The race really ran both ways: some reads landed inside, some were refused.
    expect([...seen].some((x) => x.startsWith("200 inside"))).toBe(true);
    expect(await sh("ls /tmp/outside")).toBe("f\n");
  });

  it("a link planted in place of a folder during a tar upload does not carry entries out", async () => {
    await sh("rm -rf /workspace/t /tmp/outside2; mkdir -p /workspace/t/sub /tmp/outside2; ln -sfn /tmp/outside2 /workspace/t/link");
    const { pack } = await import("tar-stream");
    const p = pack();
    p.entry({ name: "link/evil", type: "file" }, "evil");
    p.entry({ name: "sub/ok", type: "file" }, "ok");
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p as AsyncIterable<Buffer>) chunks.push(c);
    await s.fetch(`/api/spaces/${name}/archive?path=/t`, { method: "PUT", headers: { "content-type": "application/x-tar" }, body: Buffer.concat(chunks) });
    expect(await sh("ls -A /tmp/outside2")).toBe("");
    expect(await sh("cat /workspace/t/sub/ok")).toBe("ok");
  });
});
