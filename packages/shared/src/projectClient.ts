import type { ClawdspaceClient } from "./client.js";
import type { ProjectDiffQuery, ProjectImportAnswer, ProjectImportQuery } from "./schemas/project.js";
import { enc, query, type BinaryBody } from "./wire.js";

export const BUNDLE_MEDIA_TYPE = "application/x-git-bundle";

/** The project routes (a repository or folder in, the work out) over one client's auth and error mapping. */
export class ProjectClient {
  constructor(private readonly c: ClawdspaceClient) {}

  private path(space: string, tail = "") {
    return `/api/spaces/${enc(space)}/project${tail}`;
  }

  /** Streams a git bundle in: its HEAD becomes the branch, refs/clawdspace/index and …/worktree the staged and working state. */
  async importBundle(space: string, bundle: BinaryBody, q: ProjectImportQuery = {}, opts: { signal?: AbortSignal } = {}): Promise<ProjectImportAnswer> {
    const res = await this.c.request("PUT", this.path(space, query(q)), undefined, { raw: { body: bundle, contentType: BUNDLE_MEDIA_TYPE }, signal: opts.signal });
    return (await res.json()) as ProjectImportAnswer;
  }

  /** Streams a tar of a plain folder in, unpacked into /workspace. */
  async importFolder(space: string, tar: BinaryBody, opts: { signal?: AbortSignal } = {}): Promise<ProjectImportAnswer> {
    const res = await this.c.request("PUT", this.path(space), undefined, { raw: { body: tar, contentType: "application/x-tar" }, signal: opts.signal });
    return (await res.json()) as ProjectImportAnswer;
  }

  /** What the space changed since its base: commits, then uncommitted work, as text. */
  async diff(space: string, q: ProjectDiffQuery = {}, opts: { signal?: AbortSignal } = {}): Promise<ReadableStream<Uint8Array>> {
    const res = await this.c.request("GET", this.path(space, `/diff${query({ stat: q.stat ? 1 : undefined })}`), undefined, { accept: "text/plain", signal: opts.signal });
    return res.body ?? new ReadableStream();
  }

  /** A bundle of the space's commits since its base, plus one commit of its uncommitted work when there is any. */
  async bundle(space: string, opts: { signal?: AbortSignal } = {}): Promise<ReadableStream<Uint8Array>> {
    const res = await this.c.request("GET", this.path(space, "/bundle"), undefined, { accept: BUNDLE_MEDIA_TYPE, signal: opts.signal });
    return res.body ?? new ReadableStream();
  }
}
