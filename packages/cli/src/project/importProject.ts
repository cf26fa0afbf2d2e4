import { resolve } from "node:path";
import { stat } from "node:fs/promises";
import { ClawdspaceApiError, type ProjectImportAnswer, type Space } from "@clawdspace/shared/client";
import type { Context } from "../context.js";
import { usageError } from "../errors.js";
import { packPath } from "../cp/pack.js";
import { counted, progressOn } from "../cp/progress.js";
import { compileExcludes } from "./exclude.js";
import { folderBytes } from "./folder.js";
import { repoTop } from "./git.js";
import { snapshot } from "./snapshot.js";

export interface FromOptions {
  dir: string;
  exclude: string[];
  quiet?: boolean;
}

/**
 * `create NAME --from DIR`: the space is made, then the project streamed in. A failed import
 * removes the space it made; its volume too, unless the server said the workspace was not
 * empty (an adopted volume: its content is not ours to delete).
 */
export async function createFrom(ctx: Context, create: () => Promise<Space>, name: string, from: FromOptions): Promise<{ space: Space; project: ProjectImportAnswer }> {
  const dir = resolve(from.dir);
  if (!(await stat(dir)).isDirectory()) throw usageError(`--from ${from.dir} is not a folder`);
  const top = await repoTop(dir);
  if (top && from.exclude.length) throw usageError("--exclude is for plain folders; in a git repository .gitignore decides what goes");
  // Read the repository before anything is made: no commits, an unfinished merge, a shallow clone fail here.
  const snap = top ? await snapshot(top) : null;
  try {
    const space = await create();
    try {
      const project = snap ? await sendRepository(ctx, name, snap, from.quiet) : await sendFolder(ctx, name, dir, from);
      return { space, project };
    } catch (e) {
      const adopted = e instanceof ClawdspaceApiError && e.code === "PROJECT_CONFLICT";
      await ctx.client.deleteSpace(name, { removeVolume: !adopted }).catch(() => undefined);
      throw e;
    }
  } finally {
    await snap?.dispose();
  }
}

async function sendRepository(ctx: Context, name: string, snap: Awaited<ReturnType<typeof snapshot>>, quiet?: boolean) {
  const progress = progressOn(ctx.err, `↑ ${snap.branch ?? snap.head.slice(0, 12)} of ${snap.top}`, { total: snap.estimate, quiet: quiet || ctx.json });
  const { chunks, done } = snap.stream();
  try {
    const answer = await ctx.client.project.importBundle(name, counted(chunks, progress));
    await done;
    progress.done();
    return answer;
  } catch (e) {
    progress.abort();
    // pack-objects failing explains the server's complaint about a cut-off bundle
    await done;
    throw e;
  }
}

async function sendFolder(ctx: Context, name: string, dir: string, from: FromOptions) {
  const skip = compileExcludes(from.exclude);
  const progress = progressOn(ctx.err, `↑ ${dir}`, { total: await folderBytes(dir, skip), quiet: from.quiet || ctx.json });
  const warn = (msg: string) => ctx.err.write(`clawdspace: ${msg}\n`);
  try {
    const answer = await ctx.client.project.importFolder(name, counted(packPath(dir, ".", warn, skip) as AsyncIterable<Buffer>, progress));
    progress.done();
    return answer;
  } catch (e) {
    progress.abort();
    throw e;
  }
}
