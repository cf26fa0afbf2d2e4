import { ImageNotFoundError } from "../../../src/engine/errors.js";
import type { HelperRun, HelperSpec, HelpersPort } from "../../../src/engine/ports/helpers.js";
import type { FakeWorld } from "./world.js";

/** Helper runs logged and answered by the world's helperHandler. */
export class FakeHelpers implements HelpersPort {
  constructor(private readonly world: FakeWorld) {}

  async run(spec: HelperSpec): Promise<HelperRun> {
    this.world.enter("helper");
    if (!this.world.images.has(spec.image)) throw new ImageNotFoundError(spec.image);
    this.world.helperLog.push(spec);
    return this.world.helperHandler(spec);
  }
}
