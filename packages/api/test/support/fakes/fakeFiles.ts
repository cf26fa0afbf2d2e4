import type { ByteSink, FileStat, FilesPort } from "../../../src/engine/ports/files.js";
import type { FakeFileTree } from "./fakeFileTree.js";
import type { FakeWorld } from "./world.js";

/** Workspace files as an in-memory tree per volume; like execs, they need the space running. */
export class FakeFiles implements FilesPort {
  constructor(private readonly world: FakeWorld) {}

  private tree(name: string): FakeFileTree {
    return this.world.tree(name);
  }

  async list(name: string, dir: string): Promise<FileStat[]> {
    return this.tree(name).list(dir);
  }
  async read(name: string, path: string, sink: ByteSink, opts: { maxBytes?: number } = {}): Promise<{ size: number }> {
    return this.tree(name).read(path, sink, opts.maxBytes);
  }
  async write(name: string, path: string, body: NodeJS.ReadableStream, opts: { size: number; mode?: number }): Promise<void> {
    return this.tree(name).write(path, body, opts.size, opts.mode);
  }
  async remove(name: string, path: string, recursive: boolean): Promise<void> {
    this.tree(name).remove(path, recursive);
  }
  async makeDir(name: string, path: string): Promise<void> {
    this.tree(name).mkdir(path);
  }
  async move(name: string, from: string, to: string): Promise<void> {
    this.tree(name).move(from, to);
  }
  async getArchive(name: string, path: string, sink: ByteSink): Promise<void> {
    return this.tree(name).tarOut(path, sink);
  }
  async putArchive(name: string, dir: string, tar: NodeJS.ReadableStream): Promise<void> {
    return this.tree(name).tarIn(dir, tar);
  }
}
