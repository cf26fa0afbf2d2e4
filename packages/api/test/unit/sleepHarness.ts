import type { ExecSpec } from "../../src/engine/ports/exec.js";
import { createSpace, makeApp, type TestApp } from "./helpers.js";

/** What the sleep worker's unit tests share: its timings, a fake clock and the worker's own tick. */
export const SEC = 1000;
export const MIN = 60 * SEC;
export const IDLE = 10 * MIN;
export const CHECK = 15 * SEC;
export const HIB = 60 * MIN;

/** The veto script runs as `sh -c <script>`; the fake would echo it (and its own "veto:git" words) back. */
export const isVetoCheck = (spec: ExecSpec) => spec.argv[0] === "/bin/sh" && spec.argv.join(" ").includes("index.lock");

export async function setup(names: string[] = ["a"]) {
  let now = Date.parse("2031-01-01T00:00:00.000Z");
  const t = makeApp({
    clock: () => now,
    config: { sleep: { idleTimeoutMs: IDLE, hibernateAfterMs: HIB, checkMs: CHECK, cpuThresholdPct: 5, opTimeoutMs: 2000, keepaliveMaxMs: 86_400_000 } },
  });
  t.fake.execHandler = () => ({ stdout: "", exitCode: 0 });
  for (const n of names) await createSpace(t, n);
  return {
    t,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    tick: () => t.deps.worker.tick(),
  };
}

export const engineState = (t: TestApp, name: string) => t.fake.containers.get(name)!.state;
export const events = (t: TestApp, type: string, space = "a") => t.deps.audit.query({ space, type, limit: 1000 });
export const spaceOf = async (t: TestApp, name = "a") => (await t.api.get(`/api/spaces/${name}`)).body.space;
