import type { SleepService } from "../sleep/sleepService.js";
import type { SpaceCreation } from "./creation.js";
import type { SpaceLifecycle } from "./lifecycle.js";
import type { SpaceViews } from "./views.js";

/** The space services, for the edge that routes to them; each service elsewhere takes only the one it uses. */
export interface Spaces {
  views: SpaceViews;
  creation: SpaceCreation;
  lifecycle: SpaceLifecycle;
  sleep: SleepService;
}
