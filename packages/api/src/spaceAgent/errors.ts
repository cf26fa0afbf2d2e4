import { DomainError } from "../core/errors.js";

/** The space's agent started a process and then broke the protocol: the call's outcome is unknown. */
export class SpaceAgentError extends DomainError {
  readonly code = "SPACE_AGENT_FAILED";
  constructor(space: string, why: string) {
    super(`The agent in space ${space} failed mid-call (${why}); the command may have run`, { space });
  }
}
