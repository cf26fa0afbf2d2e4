import type { Logger } from "pino";
import type { Engine } from "../engine/engine.js";
import { ExecFiles } from "../engine/files/execFiles.js";
import { InternalExec } from "../engine/internalExec.js";
import type { SpaceEvents } from "../events/spaceEvents.js";
import { AGENT_BINARY } from "../engine/naming.js";
import { AgentExec } from "./agentExec.js";
import { AgentContainerPlanner } from "./containerParts.js";
import { AgentSockets } from "./sockets.js";

export interface SpaceAgentConfig {
  dataDir: string;
  /** Images that carry the agent binary (the space image and those built on it). */
  images: string[];
  answerMs: number;
}

export interface SpaceAgentParts {
  /** The engine with exec (and files, which run over exec) going through the agents first. */
  engine: Engine;
  exec: AgentExec;
  planner: AgentContainerPlanner;
}

/** Wires the agents in front of the engine's exec; only for a local engine (the sockets are host files). */
export function composeSpaceAgent(engine: Engine, cfg: SpaceAgentConfig, events: SpaceEvents, log: Logger): SpaceAgentParts {
  const sockets = new AgentSockets(cfg.dataDir, log);
  const exec = new AgentExec(engine.exec, sockets, { answerMs: cfg.answerMs }, log);
  exec.watch(events);
  // The same files-over-exec as the Docker engine builds, now over the agent: streamed, uncapped, no deadline.
  const files = new ExecFiles(new InternalExec(exec, { maxBytes: Infinity, deadlineMs: 0 }), { binary: AGENT_BINARY });
  return { engine: { ...engine, exec, files }, exec, planner: new AgentContainerPlanner(sockets, cfg.images) };
}
