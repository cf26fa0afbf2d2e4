import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Excluder } from "./exclude.js";

/** Bytes of the files a folder copy will send (for the progress bar), with the same exclusions. */
export async function folderBytes(dir: string, skip: Excluder, rel = ""): Promise<number> {
  let total = 0;
  for (const child of await readdir(join(dir, rel))) {
    const r = rel ? `${rel}/${child}` : child;
    const st = await lstat(join(dir, r));
    if (skip(r, st.isDirectory())) continue;
    total += st.isDirectory() ? await folderBytes(dir, skip, r) : st.isFile() ? st.size : 0;
  }
  return total;
}
