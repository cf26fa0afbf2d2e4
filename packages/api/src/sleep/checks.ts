import type { ExecPort } from "../engine/ports/exec.js";
import type { SpaceRecord } from "../engine/ports/containers.js";
import type { ActivityTracker } from "./activity.js";
import type { CpuMonitor } from "./cpuMonitor.js";
import { decideSleep, type SleepDecision, type SleepPolicy } from "./decide.js";
import { checkVeto, type Veto } from "./veto.js";
import type { SpaceStateStore } from "./spaceState.js";
import { sleepPolicyOf } from "../templates/effective.js";

/**
 * The checks behind "may this space sleep now?", one copy for the sleep worker (which acts
 * on them) and for the sleep service (which explains them and shows them in views).
 */
export class SleepChecks {
  constructor(
    private readonly exec: ExecPort,
    private readonly activity: ActivityTracker,
    private readonly state: SpaceStateStore,
    private readonly cpu: CpuMonitor,
    readonly policy: SleepPolicy,
  ) {}

  /** The clock's verdict (without the live CPU and veto checks), with the space's own settings over the node's. */
  decision(r: SpaceRecord): SleepDecision {
    return decideSleep(
      {
        now: this.activity.now(),
        runtimeState: r.state,
        row: this.state.get(r.name),
        running: this.activity.runningCounts(r.name),
        cpu: this.cpu.latest(r.name),
      },
      sleepPolicyOf(r.labels, this.policy),
    );
  }

  /** Looks for work that must not be frozen; the probe's own CPU is then taken out of the space's window. */
  async veto(name: string): Promise<Veto | null> {
    const veto = await checkVeto(this.exec, name);
    await this.cpu.rebase(name);
    return veto;
  }

  /**
   * Still idle since the decision at decidedAt: nothing ran or arrived since, and no person
   * paused it meanwhile (their pause stays theirs, never relabelled "idle", never hibernated).
   */
  stillIdle(name: string, decidedAt: number): boolean {
    const running = this.activity.runningCounts(name);
    const row = this.state.get(name);
    return row.pausedBy === null && row.lastActivityAt <= decidedAt && running.exec === 0 && running.terminal === 0 && running.task === 0;
  }
}
