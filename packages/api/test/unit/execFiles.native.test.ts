import { describe, expect, it } from "vitest";
import type { ExecOutcome, ExecPort, ExecSpec, OutputSink } from "../../src/engine/ports/exec.js";
import { ExecFiles } from "../../src/engine/files/execFiles.js";
import { FileTypeError, PathOutsideError } from "../../src/engine/errors.js";

const BIN = "/opt/clawdspace/bin/clawdspace-agent";

/** An exec role whose spaces answer `files check` as told: 0 (a binary that knows it), 2 (an older one) or a thrown error. */
function execWith(check: Record<string, number | Error>) {
  const calls: Array<{ space: string; argv: string[] }> = [];
  const port: ExecPort = {
    async run(space: string, spec: ExecSpec, sink: OutputSink): Promise<ExecOutcome> {
      calls.push({ space, argv: spec.argv });
      if (spec.argv[1] === "files" && spec.argv[2] === "check") {
        const answer = check[space]!;
        if (answer instanceof Error) throw answer;
        return { exitCode: answer };
      }
      if (spec.argv[2] === "read" && spec.argv[3] === "/workspace/out") return { exitCode: 90 };
      await sink("stdout", Buffer.from("f\t3\t1700000000.500000000\t644\t\ta.txt\0"));
      return { exitCode: 0 };
    },
    openTty: () => Promise.reject(new Error("no tty here")),
  };
  return { port, calls };
}

describe("ExecFiles: the agent's files command where the image has it, the scripts elsewhere", () => {
  it("asks each space once, then runs the binary's files command with the path as an argument", async () => {
    const { port, calls } = execWith({ dev: 0 });
    const files = new ExecFiles(port, { binary: BIN });
    for (let i = 0; i < 3; i++) {
      expect(await files.list("dev", "/workspace")).toEqual([{ name: "a.txt", type: "file", size: 3, mtimeMs: 1700000000500, mode: 0o644 }]);
    }
    expect(calls.filter((c) => c.argv[2] === "check")).toHaveLength(1);
    expect(calls.filter((c) => c.argv[2] === "list").map((c) => c.argv)).toEqual(Array(3).fill([BIN, "files", "list", "/workspace"]));
    await expect(files.read("dev", "/workspace/out", () => undefined)).rejects.toBeInstanceOf(PathOutsideError);
  });

  it("an image whose binary does not know files (exit 2) gets the shell scripts, and is not asked again", async () => {
    const { port, calls } = execWith({ old: 2 });
    const files = new ExecFiles(port, { binary: BIN });
    await files.list("old", "/workspace");
    await files.list("old", "/workspace");
    expect(calls.filter((c) => c.argv[2] === "check")).toHaveLength(1);
    expect(calls.filter((c) => c.argv[0] === "/bin/sh")).toHaveLength(2);
  });

  it("no answer to the check (a paused space) is not remembered: the next call asks again", async () => {
    const check: Record<string, number | Error> = { zz: new Error("paused") };
    const { port, calls } = execWith(check);
    const files = new ExecFiles(port, { binary: BIN });
    await files.list("zz", "/workspace");
    expect(calls.at(-1)!.argv[0]).toBe("/bin/sh");
    check.zz = 0;
    await files.list("zz", "/workspace");
    expect(calls.at(-1)!.argv).toEqual([BIN, "files", "list", "/workspace"]);
    expect(calls.filter((c) => c.argv[2] === "check")).toHaveLength(2);
  });

  it("without a binary configured, only the scripts run", async () => {
    const { port, calls } = execWith({});
    await new ExecFiles(port).list("dev", "/workspace");
    expect(calls.map((c) => c.argv[0])).toEqual(["/bin/sh"]);
  });

  it("a listing that prints more than 32 MiB of names is refused, and the exec is stopped", async () => {
    let stopped = false;
    const port: ExecPort = {
      async run(_space, _spec, sink, signal): Promise<ExecOutcome> {
        const mib = Buffer.alloc(1024 * 1024, 97);
        for (let i = 0; i < 100 && !signal?.aborted; i++) await sink("stdout", mib);
        stopped = Boolean(signal?.aborted);
        return { exitCode: 0 };
      },
      openTty: () => Promise.reject(new Error("no tty here")),
    };
    await expect(new ExecFiles(port).list("dev", "/workspace/huge")).rejects.toBeInstanceOf(FileTypeError);
    expect(stopped).toBe(true);
  });
});
