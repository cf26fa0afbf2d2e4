/** Workspace files of a running space (built on the exec role; see files/execFiles.ts). */
export type FileType = "file" | "dir" | "symlink" | "other";

/** One entry of a workspace folder. */
export interface FileStat {
  name: string;
  type: FileType;
  size: number;
  mtimeMs: number;
  mode: number;
  /** A symlink's target as written in the link. */
  target?: string;
}

/** Receives bytes as they arrive; a returned promise holds the source back (backpressure). */
export type ByteSink = (chunk: Buffer) => void | Promise<void>;

/**
 * File operations take absolute, normalised paths under /workspace. The implementation resolves
 * symlinks inside the space and throws PathOutsideError when the real path leaves /workspace,
 * FileNotFoundError when it is absent, FileTypeError for a file where a folder is needed (or
 * the reverse). Everything runs as the space's user, so the volume's content cannot make
 * an operation reach further than that user could.
 */
export interface FilesPort {
  list(name: string, dir: string, signal?: AbortSignal): Promise<FileStat[]>;
  /** Streams a file's bytes (the first maxBytes of them); answers its full size. */
  read(name: string, path: string, sink: ByteSink, opts?: { maxBytes?: number; signal?: AbortSignal }): Promise<{ size: number }>;
  /** Writes a file atomically (a temporary file renamed into place once `size` bytes arrived); creates parent folders. */
  write(name: string, path: string, body: NodeJS.ReadableStream, opts: { size: number; mode?: number; signal?: AbortSignal }): Promise<void>;
  remove(name: string, path: string, recursive: boolean): Promise<void>;
  makeDir(name: string, path: string): Promise<void>;
  move(name: string, from: string, to: string): Promise<void>;
  /** A tar of a folder's content (entries relative to it) or of one file; symlinks stay symlinks. */
  getArchive(name: string, path: string, sink: ByteSink, signal?: AbortSignal): Promise<void>;
  /** Unpacks a tar (already sanitised by the caller) into a folder, creating it. */
  putArchive(name: string, dir: string, tar: NodeJS.ReadableStream, signal?: AbortSignal): Promise<void>;
}
