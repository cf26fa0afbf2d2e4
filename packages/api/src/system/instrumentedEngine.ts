import type { Engine } from "../engine/engine.js";
import type { Metrics } from "./metrics.js";

/**
 * The `op` label of each engine method. The names predate the split into roles and stay
 * as they were, so dashboards and alerts on clawdspace_docker_* keep working.
 */
const OPS: { [R in keyof Engine]: { [M in keyof Engine[R]]: string } } = {
  containers: {
    list: "list",
    inspect: "inspect",
    create: "create",
    start: "start",
    pause: "pause",
    unpause: "unpause",
    stop: "stop",
    setRestartPolicy: "updateRestartPolicy",
    remove: "remove",
    stats: "stats",
    cpuUsage: "cpuUsage",
    usage: "usage",
  },
  volumes: { inspect: "inspectVolume", create: "createVolume", remove: "removeVolume" },
  exec: { run: "exec", openTty: "openTty" },
  images: { exists: "imageExists", build: "buildImage", pull: "pullImage" },
  networks: { ensure: "ensureNetwork", list: "listNetworks", remove: "removeNetwork" },
  helpers: { run: "runHelper" },
  files: {
    list: "listFiles",
    read: "readFile",
    write: "writeFile",
    remove: "removePath",
    makeDir: "makeDir",
    move: "movePath",
    getArchive: "getArchive",
    putArchive: "putArchive",
  },
  system: { ping: "ping", info: "engineInfo" },
};

function timed(metrics: Metrics, op: string, self: Record<string, (...args: unknown[]) => unknown>, method: string) {
  return (...args: unknown[]) => {
    const end = metrics.dockerDuration.startTimer({ op });
    const fail = (e: unknown) => {
      end();
      metrics.dockerErrors.inc({ op, kind: e instanceof Error ? e.name : "unknown" });
      throw e;
    };
    let result: unknown;
    try {
      result = self[method]!(...args);
    } catch (e) {
      return fail(e);
    }
    if (result instanceof Promise) {
      return result.then((v) => {
        end();
        return v;
      }, fail);
    }
    end();
    return result;
  };
}

/** Every role's methods timed and their failures counted at this one seam; the adapters know nothing of metrics. */
export function instrumentEngine(engine: Engine, metrics: Metrics): Engine {
  const out = {} as Record<string, Record<string, unknown>>;
  for (const role of Object.keys(OPS) as Array<keyof Engine>) {
    const target = engine[role] as unknown as Record<string, (...args: unknown[]) => unknown>;
    const wrapped: Record<string, unknown> = {};
    for (const [method, op] of Object.entries(OPS[role] as Record<string, string>)) {
      wrapped[method] = timed(metrics, op, target, method);
    }
    out[role] = wrapped;
  }
  return out as unknown as Engine;
}
