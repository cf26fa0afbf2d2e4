import { Transform, type Readable } from "node:stream";
import { BundleHeaderError, headerEnd, MAX_BUNDLE_HEADER_BYTES, parseBundleHeader, type BundleHeader } from "@clawdspace/shared";
import { InvalidInputError, TooLargeError } from "../core/errors.js";

const badBundle = (message: string) => new InvalidInputError(`Invalid bundle: ${message}`, [{ path: "body", message }]);

/**
 * Reads a bundle's header off the front of a stream and puts the rest back, so the pack that
 * follows can be piped on untouched. Reads at most MAX_BUNDLE_HEADER_BYTES; never the whole body.
 */
export function readBundleHeader(input: Readable, maxBytes = MAX_BUNDLE_HEADER_BYTES): Promise<BundleHeader> {
  return new Promise((resolve, reject) => {
    let held = Buffer.alloc(0);
    const finish = (err: Error | null, header?: BundleHeader) => {
      input.off("readable", onReadable);
      input.off("end", onEnd);
      input.off("error", onError);
      if (err) reject(err);
      else resolve(header!);
    };
    const onReadable = () => {
      for (let chunk: Buffer | null; (chunk = input.read() as Buffer | null) !== null; ) {
        held = Buffer.concat([held, chunk]);
        const end = headerEnd(held);
        if (end < 0) {
          if (held.length > maxBytes) return finish(badBundle(`no end of the header within ${maxBytes} bytes`));
          continue;
        }
        input.unshift(held.subarray(end));
        try {
          return finish(null, parseBundleHeader(held.subarray(0, end).toString("utf8")));
        } catch (e) {
          return finish(e instanceof BundleHeaderError ? badBundle(e.message) : (e as Error));
        }
      }
    };
    const onEnd = () => finish(badBundle("the body ended inside the bundle header"));
    const onError = (e: Error) => finish(e);
    input.on("readable", onReadable);
    input.on("end", onEnd);
    input.on("error", onError);
  });
}

/** Which commits of a bundle the import checks out: HEAD (or its one branch), and the optional staged and working states. */
export function importTargets(h: BundleHeader): { base: string; index: string; worktree: string } {
  if (h.prerequisites.length) throw badBundle("it has prerequisites: send the whole history (git bundle create FILE HEAD)");
  const byName = new Map(h.refs.map((r) => [r.name, r.oid]));
  const branches = h.refs.filter((r) => r.name.startsWith("refs/heads/"));
  const base = byName.get("HEAD") ?? (branches.length === 1 ? branches[0]!.oid : undefined);
  if (!base) throw badBundle("name HEAD, or exactly one branch, in the bundle");
  const index = byName.get("refs/clawdspace/index") ?? base;
  return { base, index, worktree: byName.get("refs/clawdspace/worktree") ?? index };
}

/** Counts bytes through; past `max`, the stream fails with a TooLargeError (and the exec reading it ends). */
export function byteLimit(max: number): Transform & { bytes: () => number } {
  let seen = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) return done(new TooLargeError(`The bundle is larger than the limit of ${max} bytes`));
      done(null, chunk);
    },
  });
  return Object.assign(t, { bytes: () => seen });
}
