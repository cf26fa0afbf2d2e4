import type { BindMount } from "../engine/ports/containers.js";
import { AGENT_BINARY } from "../engine/naming.js";
import { AGENT_DIR_IN_SPACE, AGENT_SOCKET_IN_SPACE, type AgentSockets } from "./sockets.js";

export interface AgentContainerParts {
  bind: BindMount;
  cmd: string[];
}

/**
 * What a new space's container needs for its agent: the socket folder mounted, and a command that
 * starts the agent (detached, so the container's init reaps it) before the usual `sleep infinity`.
 * If the agent fails or dies the container is as it always was. Only our images carry the binary,
 * and gVisor's sockets do not cross to the host, so anything else gets nothing (and the fallback).
 */
export class AgentContainerPlanner {
  constructor(
    private readonly sockets: AgentSockets,
    private readonly images: string[],
  ) {}

  partsFor(name: string, image: string, runtime: string | undefined): AgentContainerParts | undefined {
    if (!this.images.includes(image) || (runtime !== undefined && runtime !== "runc")) return undefined;
    const dir = this.sockets.prepare(name);
    if (!dir) return undefined;
    const start = `${AGENT_BINARY} serve --daemon --socket ${AGENT_SOCKET_IN_SPACE}`;
    return {
      bind: { source: dir, target: AGENT_DIR_IN_SPACE, readOnly: false },
      cmd: ["/bin/sh", "-c", `[ -x ${AGENT_BINARY} ] && ${start}; exec sleep infinity`],
    };
  }
}
