/** Typed failures at the engine boundary; routes turn them into HTTP answers. */
export class RuntimeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class SpaceNotFoundError extends RuntimeError {
  constructor(readonly space: string) {
    super(`Space "${space}" not found`);
  }
}

export type ConflictReason = "exists" | "paused" | "not-running" | "in-progress" | "other";

export class ConflictError extends RuntimeError {
  constructor(
    message: string,
    readonly reason: ConflictReason,
  ) {
    super(message);
  }
}

/** An engine object (volume, network, image) that does not exist; adapters answer null or false for it. */
export class EngineObjectNotFoundError extends RuntimeError {}

export class ImageNotFoundError extends RuntimeError {
  constructor(readonly image: string) {
    super(`Image "${image}" is not on this node (Clawdspace never pulls; build or load it first)`);
  }
}

/** The engine refused the request as invalid (bad limit, bad option). */
export class InvalidSpecError extends RuntimeError {}

export class RuntimeUnavailableError extends RuntimeError {
  constructor(cause?: unknown) {
    super("The Docker engine is not reachable", { cause });
  }
}

/** A workspace path whose real location (after `..` and symlinks) is outside /workspace. */
export class PathOutsideError extends RuntimeError {
  constructor(readonly path: string) {
    super(`Path "${path}" resolves outside /workspace`);
  }
}

export class FileNotFoundError extends RuntimeError {
  constructor(readonly path: string) {
    super(`No such file or folder: "${path}"`);
  }
}

/** A file where a folder is needed, a folder where a file is needed, a folder that is not empty. */
export class FileTypeError extends RuntimeError {}
