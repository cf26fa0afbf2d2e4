import type { Logger } from "pino";
import type { ExecOutcome, ExecPort, ExecSpec, OutputSink, TtyProcess, TtySpec } from "../engine/ports/exec.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import { AgentBrokeError, AgentUnavailableError, runOnAgent } from "./agentClient.js";
import type { AgentSockets } from "./sockets.js";
import { AGENT_SOCKET_IN_SPACE } from "./sockets.js";
import { SpaceAgentError } from "./errors.js";
import { AGENT_BINARY, SPACE_USER } from "../engine/naming.js";

/** One restart attempt per space per this long: a space that keeps killing its agent gets the fallback. */
const RESTART_EVERY_MS = 30_000;

export interface AgentExecOptions {
  /** How long the agent has to say the process started before the call goes through the fallback. */
  answerMs: number;
}

/** Which path calls took; the bench and the tests read it. */
export interface AgentExecCounts {
  agent: number;
  fallback: number;
}

/**
 * The exec role through each space's agent, with the engine's exec as the fallback whenever the
 * agent is not there, not the right user, asleep, silent or refusing. Terminals (TTYs) stay on the engine.
 */
export class AgentExec implements ExecPort {
  readonly counts: AgentExecCounts = { agent: 0, fallback: 0 };
  /** Spaces our own API put to sleep: their agent is frozen, so the engine's answer (and the wake) comes first. */
  private readonly asleep = new Set<string>();
  private readonly restartedAt = new Map<string, number>();

  constructor(
    private readonly fallback: ExecPort,
    private readonly sockets: AgentSockets,
    private readonly opts: AgentExecOptions,
    private readonly log: Logger,
  ) {}

  /** Follows space state changes: asleep spaces skip the agent, removed ones lose their folder. */
  watch(events: SpaceEvents): () => void {
    return events.on((e) => {
      if (e.state === "running") this.asleep.delete(e.space);
      else this.asleep.add(e.space);
      if (e.state === "destroyed") {
        this.asleep.delete(e.space);
        this.restartedAt.delete(e.space);
        this.sockets.remove(e.space);
      }
    });
  }

  async run(name: string, spec: ExecSpec, sink: OutputSink, signal?: AbortSignal): Promise<ExecOutcome> {
    const socket = spec.user === undefined || spec.user === SPACE_USER ? this.sockets.socketOf(name) : undefined;
    if (!socket || this.asleep.has(name)) return this.viaFallback(name, spec, sink, signal);
    if (!socket.present) {
      this.restart(name);
      return this.viaFallback(name, spec, sink, signal);
    }
    try {
      const outcome = await runOnAgent(socket.path, spec, sink, signal, this.opts.answerMs);
      this.counts.agent++;
      return outcome;
    } catch (e) {
      if (e instanceof AgentBrokeError) throw new SpaceAgentError(name, e.message);
      if (!(e instanceof AgentUnavailableError)) throw e;
      this.log.debug({ space: name, reason: e.reason, why: e.message }, "space agent unavailable: docker exec instead");
      if (e.reason === "dead") this.restart(name);
      return this.viaFallback(name, spec, sink, signal);
    }
  }

  openTty(name: string, spec: TtySpec, onOutput: (chunk: Buffer) => void): Promise<TtyProcess> {
    return this.fallback.openTty(name, spec, onOutput);
  }

  private viaFallback(name: string, spec: ExecSpec, sink: OutputSink, signal?: AbortSignal): Promise<ExecOutcome> {
    this.counts.fallback++;
    return this.fallback.run(name, spec, sink, signal);
  }

  /** In the background: the agent is gone (killed, or never started), so start another as the space's user. */
  private restart(name: string): void {
    const now = Date.now();
    if (now - (this.restartedAt.get(name) ?? 0) < RESTART_EVERY_MS) return;
    this.restartedAt.set(name, now);
    const argv = [AGENT_BINARY, "serve", "--daemon", "--socket", AGENT_SOCKET_IN_SPACE];
    this.fallback.run(name, { argv, cwd: "/", user: SPACE_USER }, () => undefined, AbortSignal.timeout(10_000)).then(
      ({ exitCode }) => this.log.info({ space: name, exitCode }, "restarted the space agent"),
      (err) => this.log.debug({ err, space: name }, "could not restart the space agent"),
    );
  }
}
