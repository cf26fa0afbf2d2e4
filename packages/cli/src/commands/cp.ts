import { stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ClawdspaceApiError } from "@clawdspace/shared/client";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { packPath } from "../cp/pack.js";
import { counted, Progress } from "../cp/progress.js";
import { parseEnd, remoteBase, remoteParent } from "../cp/spec.js";
import { unpack } from "../cp/unpack.js";

/** Whether a space path is an existing folder (the copy then goes inside it, as cp -r and docker cp do). */
async function remoteIsDir(ctx: Context, space: string, path: string): Promise<boolean> {
  try {
    await ctx.client.listFiles(space, path);
    return true;
  } catch (e) {
    if (e instanceof ClawdspaceApiError && (e.status === 404 || e.status === 400)) return false;
    throw e;
  }
}

export async function run(ctx: Context, [srcArg, dstArg]: string[], opts: { quiet?: boolean }): Promise<void> {
  const src = parseEnd(srcArg!);
  const dst = parseEnd(dstArg!);
  const progressTo = !opts.quiet && ctx.err.isTTY ? ctx.err : null;
  const warn = (msg: string) => ctx.err.write(`clawdspace: ${msg}\n`);

  if (src.kind === "local" && dst.kind === "remote") {
    await stat(src.path); // a missing source: ENOENT, exit 66 with the path
    const into = await remoteIsDir(ctx, dst.space, dst.path);
    // Into an existing folder under the source's name; otherwise the destination names the copy.
    const folder = into ? dst.path : remoteParent(dst.path);
    const top = into ? basename(resolve(src.path)) : remoteBase(dst.path);
    const progress = new Progress(`↑ ${src.path}`, progressTo);
    const pack = packPath(src.path, top, warn);
    await ctx.client.uploadArchive(dst.space, folder, counted(pack as AsyncIterable<Buffer>, progress));
    progress.done();
    return;
  }

  if (src.kind === "remote" && dst.kind === "local") {
    const local = resolve(dst.path);
    const isDir = await stat(local).then(
      (s) => s.isDirectory(),
      () => false,
    );
    const base = isDir ? local : dirname(local);
    const parent = await stat(base).catch(() => null);
    if (!parent?.isDirectory()) throw usageError(`${base} is not an existing folder`);
    const expectTop = remoteBase(src.path);
    const tar = await ctx.client.downloadArchive(src.space, src.path);
    const progress = new Progress(`↓ ${src.space}:${src.path}`, progressTo);
    await unpack(Readable.fromWeb(tar as WebReadableStream), { base, top: isDir ? expectTop : basename(local), expectTop }, warn, (n) => progress.add(n));
    progress.done();
    return;
  }

  throw usageError(
    src.kind === "local"
      ? "one side must be a space path (NAME:/path): clawdspace cp ./dir NAME:/path or clawdspace cp NAME:/path ./dir"
      : "copying between two spaces is not supported: copy to a local folder first",
  );
}
