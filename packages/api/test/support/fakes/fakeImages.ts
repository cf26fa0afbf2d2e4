import type { ImageBuildSpec, ImagesPort } from "../../../src/engine/ports/images.js";
import type { FakeWorld } from "./world.js";

/** Images as a set of tags: a build or a pull adds one. */
export class FakeImages implements ImagesPort {
  constructor(private readonly world: FakeWorld) {}

  async exists(ref: string): Promise<boolean> {
    this.world.enter("imageInspect");
    return this.world.images.has(ref);
  }

  async build(spec: ImageBuildSpec): Promise<void> {
    this.world.enter("build");
    spec.onProgress(`Step 1/1 : FROM ${spec.buildArgs.BASE_IMAGE ?? "scratch"}`);
    this.world.images.add(spec.tag);
  }

  async pull(ref: string): Promise<void> {
    this.world.enter("pull");
    this.world.images.add(ref);
  }
}
