import { createReadStream } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";

/**
 * A tar of a local file or folder, its top entry named `top`: modes, mtimes and symlinks (as
 * links, not followed) kept; sockets, fifos and devices skipped with a warning. `skip` leaves out
 * a path (relative to `src`) and, for a folder, everything under it.
 */
export function packPath(src: string, top: string, warn: (msg: string) => void, skip?: (rel: string, isDir: boolean) => boolean): tar.Pack {
  const pack = tar.pack();
  const walk = async (path: string, name: string, rel = ""): Promise<void> => {
    const st = await lstat(path);
    if (rel && skip?.(rel, st.isDirectory())) return;
    const base = { name, mode: st.mode & 0o7777 & ~0o6000, mtime: st.mtime };
    if (st.isDirectory()) {
      pack.entry({ ...base, type: "directory" });
      for (const child of (await readdir(path)).sort()) await walk(join(path, child), `${name}/${child}`, rel ? `${rel}/${child}` : child);
    } else if (st.isSymbolicLink()) {
      pack.entry({ ...base, type: "symlink", linkname: await readlink(path) });
    } else if (st.isFile()) {
      const entry = pack.entry({ ...base, type: "file", size: st.size });
      await pipeline(createReadStream(path), entry);
    } else {
      warn(`skipping ${path}: not a file, folder or symlink`);
    }
  };
  walk(src, top).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err as Error),
  );
  return pack;
}
