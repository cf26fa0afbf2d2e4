import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agent, cleanupTemps, lines, requireBinary, startTask, tempRoot, waitExited } from "./helpers.js";

beforeAll(requireBinary);
afterAll(cleanupTemps);

const FIELDS = [
  "id", "version", "state", "pid", "pgid", "supervisorPid", "supervisorStart", "initStart", "startedAt", "endedAt",
  "exitCode", "signal", "reason", "stdoutBytes", "stderrBytes", "droppedBytes", "logStart", "logEnd", "alive",
];

describe("task-status", () => {
  it("lists a root defensively: corrupt, huge, symlinked and mistyped status files give errors", async () => {
    const root = tempRoot();
    startTask(join(root, "good"), ["sh", "-c", "echo ok"]);
    await waitExited(join(root, "good"));
    const good = JSON.parse(readFileSync(join(root, "good", "status.json"), "utf8"));
    const put = (name: string, content: string | object) => {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, "status.json"), typeof content === "string" ? content : JSON.stringify(content));
    };
    put("corrupt", '{"version":1,"state":"running",');
    put("huge", JSON.stringify(good) + " ".repeat(70 * 1024));
    put("extra", { ...good, evil: "x".repeat(100), nested: { a: [1, 2, { b: null }] } });
    put("badtype", { ...good, pid: "12" });
    put("float", { ...good, exitCode: 1.5 });
    put("badstate", { ...good, state: 'exited","alive":true' });
    put("badsignal", { ...good, signal: "SIGFAKE" });
    put("missing", { version: 1, state: "running" });
    mkdirSync(join(root, "link"));
    symlinkSync(join(root, "good", "status.json"), join(root, "link", "status.json"));
    symlinkSync(join(root, "good"), join(root, "dirlink"));
    mkdirSync(join(root, "bad.name"));
    writeFileSync(join(root, "bad.name", "status.json"), JSON.stringify(good));
    mkdirSync(join(root, "empty"));

    const r = agent("task-status", "--root", root);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    const byId = Object.fromEntries(out.map((l) => [l.id as string, l]));
    expect(Object.keys(byId).sort()).toEqual(
      ["badsignal", "badstate", "badtype", "corrupt", "extra", "float", "good", "huge", "link", "missing"].sort(),
    );
    expect(Object.keys(byId.good!)).toEqual(FIELDS);
    expect(byId.good).toMatchObject({ state: "exited", exitCode: 0, logEnd: 3, alive: false });
    expect(Object.keys(byId.extra!)).toEqual(FIELDS);
    expect(byId.extra).toMatchObject({ ...good, id: "extra", alive: false });
    for (const id of ["corrupt", "huge", "link", "badtype", "float", "badstate", "badsignal", "missing"]) {
      expect(Object.keys(byId[id]!), id).toEqual(["id", "error"]);
    }
    expect(byId.huge!.error).toMatch(/larger than 65536/);
    expect(byId.link!.error).toMatch(/symlink/);
    expect(byId.badtype!.error).toMatch(/pid/);
    expect(byId.float!.error).toMatch(/exitCode/);
    expect(byId.missing!.error).toMatch(/missing pid/);
    expect(byId.corrupt!.error).toMatch(/unparseable/);
    // The output never carries the planted bytes through.
    expect(r.stdout.toString()).not.toContain('"alive":true"');
    expect(r.stdout.toString()).not.toContain("evil");
  });

  it("prints an error line for a directory without status.json, and nothing for a missing root", () => {
    const root = tempRoot();
    mkdirSync(join(root, "t"));
    const r = agent("task-status", "--dir", join(root, "t"));
    expect(lines(r.stdout)).toEqual([{ id: "t", error: "status.json: No such file or directory" }]);
    const none = agent("task-status", "--root", join(root, "nope"));
    expect(none.code).toBe(0);
    expect(none.stdout.length).toBe(0);
    expect(agent("task-status").code).toBe(2);
  });

  it("does not hang on a FIFO planted as status.json", () => {
    const root = tempRoot();
    mkdirSync(join(root, "t"));
    const mk = agent("task-run", "--dir", join(root, "m"), "--", "mkfifo", join(root, "t", "status.json"));
    expect(mk.code).toBe(0);
    return waitExited(join(root, "m")).then(() => {
      const r = agent("task-status", "--dir", join(root, "t"));
      expect(lines(r.stdout)).toEqual([{ id: "t", error: "status.json: not a regular file" }]);
    });
  });
});
