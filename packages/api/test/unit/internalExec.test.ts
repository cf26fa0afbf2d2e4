import { describe, expect, it } from "vitest";
import { InternalDeadline, InternalExec, InternalOutputTooLarge, SYSTEM_PATH } from "../../src/engine/internalExec.js";
import type { ExecPort, ExecSpec } from "../../src/engine/ports/exec.js";

/** A space whose planted programs print without end, or never finish. */
function hostile(mode: "flood" | "hang"): { port: ExecPort; specs: ExecSpec[] } {
  const specs: ExecSpec[] = [];
  const port: ExecPort = {
    async run(_n, spec, sink, signal) {
      specs.push(spec);
      if (spec.env?.T) return { exitCode: 0 }; // the leftover killer
      return new Promise((resolve, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        if (mode === "flood") {
          const chunk = Buffer.alloc(64 * 1024, 0x79);
          const pump = () => {
            if (signal?.aborted) return;
            void sink("stdout", chunk);
            setImmediate(pump);
          };
          pump();
        }
      });
    },
    openTty: () => Promise.reject(new Error("no tty")),
  };
  return { port, specs };
}

describe("InternalExec", () => {
  it("runs with the system PATH whatever the caller or the image says", async () => {
    const specs: ExecSpec[] = [];
    const port: ExecPort = { run: async (_n, spec) => (specs.push(spec), { exitCode: 0 }), openTty: () => Promise.reject(new Error("x")) };
    await new InternalExec(port).run("s", { argv: ["/bin/sh", "-c", "true"], env: { PATH: "/home/sandbox/.local/bin:/usr/bin", X: "1" } }, () => undefined);
    expect(specs[0]!.env!.PATH).toBe(SYSTEM_PATH);
    expect(specs[0]!.env!.X).toBe("1");
  });

  it("stops reading a flood at its cap, with its own error, and kills what is left", async () => {
    const { port, specs } = hostile("flood");
    let kept = 0;
    const run = new InternalExec(port, { maxBytes: 1024 * 1024, deadlineMs: 0 }).run("s", { argv: ["/bin/sh"] }, (_s, c) => void (kept += c.length));
    await expect(run).rejects.toBeInstanceOf(InternalOutputTooLarge);
    expect(kept).toBeLessThanOrEqual(1024 * 1024);
    await new Promise((r) => setTimeout(r, 10));
    expect(specs.some((s) => s.env?.T)).toBe(true);
  });

  it("gives up on a call that never ends at its deadline", async () => {
    const { port } = hostile("hang");
    const started = Date.now();
    await expect(new InternalExec(port, { maxBytes: 1024, deadlineMs: 50 }).run("s", { argv: ["/bin/sh"] }, () => undefined)).rejects.toBeInstanceOf(InternalDeadline);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
