import type { SpaceRuntime } from "../runtime/types.js";
import type { Metrics } from "./metrics.js";

/** Methods that only read counters we keep ourselves: no engine call to time. */
const UNTIMED = new Set<string | symbol>(["callCounts"]);

/**
 * Wraps a runtime so every engine-facing call is timed and its failures counted, by method
 * name; the runtime itself stays unaware of metrics.
 */
export function instrumentRuntime(runtime: SpaceRuntime, metrics: Metrics): SpaceRuntime {
  const cache = new Map<string | symbol, unknown>();
  return new Proxy(runtime, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function" || UNTIMED.has(prop)) return value;
      let wrapped = cache.get(prop);
      if (!wrapped) {
        const op = String(prop);
        const fn = value as (...args: unknown[]) => unknown;
        wrapped = (...args: unknown[]) => {
          const end = metrics.dockerDuration.startTimer({ op });
          const fail = (e: unknown) => {
            end();
            metrics.dockerErrors.inc({ op, kind: e instanceof Error ? e.name : "unknown" });
            throw e;
          };
          let result: unknown;
          try {
            result = fn.apply(target, args);
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
        cache.set(prop, wrapped);
      }
      return wrapped;
    },
  });
}
