import type { Space } from "@clawdspace/shared";
import type { ContainerStats, ContainersPort, SpaceRecord } from "../engine/ports/containers.js";
import type { ActivityTracker } from "../sleep/activity.js";
import { toSpaceView } from "./spaceView.js";
import type { SleepChecks } from "../sleep/checks.js";

/** Spaces as the wire shows them: engine records with their activity and sleep verdict. */
export class SpaceViews {
  constructor(
    private readonly containers: ContainersPort,
    private readonly activity: ActivityTracker,
    private readonly checks: SleepChecks,
    private readonly node: string,
  ) {}

  view(r: SpaceRecord): Space {
    return toSpaceView(r, { node: this.node, activity: this.activity.lastActivity(r.name), decision: this.checks.decision(r) });
  }

  async list(): Promise<Space[]> {
    const records = await this.containers.list();
    return records.map((r) => this.view(r)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<Space> {
    return this.view(await this.containers.inspect(name));
  }

  async stats(name: string): Promise<ContainerStats> {
    return this.containers.stats(name);
  }
}
