import { DomainError } from "../core/errors.js";
import type { ContainersPort } from "../engine/ports/containers.js";
import type { InternalExec } from "../engine/internalExec.js";
import type { AgentCredentialStore } from "./credentials.js";

/** The agent image's way into Claude Code (docker/agent/claude-agent). */
export const CLAUDE_WRAPPER = "/opt/clawdspace/bin/claude-agent";
/** The space is the boundary: nothing in it is the host's, so the agent asks no one before acting. */
const SANDBOX_FLAGS = ["--dangerously-skip-permissions"];

/** The space's image has no Claude Code (not made from the agent template or an image built on it). */
export class AgentUnsupportedError extends DomainError {
  readonly code = "AGENT_UNSUPPORTED";
}

export interface AgentRunArgs {
  prompt: string;
  /** A session id, or "continue" for the newest conversation on the volume. */
  resume: string | "continue" | null;
  model?: string;
  maxTurns?: number;
}

/** `claude -p` with streamed JSON; the prompt after `--`, so one that starts with "-" is still a prompt. */
export function runArgv(a: AgentRunArgs): string[] {
  const argv = [CLAUDE_WRAPPER, "-p", "--output-format", "stream-json", "--verbose", ...SANDBOX_FLAGS];
  if (a.resume === "continue") argv.push("--continue");
  else if (a.resume) argv.push("--resume", a.resume);
  if (a.model) argv.push("--model", a.model);
  if (a.maxTurns !== undefined) argv.push("--max-turns", String(a.maxTurns));
  argv.push("--", a.prompt);
  return argv;
}

export function sessionArgv(resume: string | "continue" | null): string[] {
  const argv = [CLAUDE_WRAPPER, ...SANDBOX_FLAGS];
  if (resume === "continue") argv.push("--continue");
  else if (resume) argv.push("--resume", resume);
  return argv;
}

/** Whether a space can run Claude Code, asked once per container (a new image means a new container). */
export class ClaudeProbe {
  private readonly known = new Map<string, string>();

  constructor(
    private readonly exec: InternalExec,
    private readonly containers: Pick<ContainersPort, "inspect">,
  ) {}

  /** Throws AgentUnsupportedError when the space's image has no Claude Code; the space must be running. */
  async require(space: string): Promise<void> {
    const rec = await this.containers.inspect(space);
    if (this.known.get(space) === rec.id) return;
    const out = await this.exec.run(space, { argv: ["/usr/bin/test", "-x", CLAUDE_WRAPPER], cwd: "/" }, () => undefined);
    if (out.exitCode !== 0) {
      throw new AgentUnsupportedError(`Space ${space} has no Claude Code (${CLAUDE_WRAPPER}): create it with the agent template (template: "agent") or an image built on it`);
    }
    this.known.set(space, rec.id);
  }

  forget(space: string): void {
    this.known.delete(space);
  }
}

/** What an interactive Claude session runs, with the space's credentials in its environment only. */
export class ClaudeSessions {
  constructor(
    private readonly probe: ClaudeProbe,
    private readonly credentials: AgentCredentialStore,
    private readonly lastSession: (space: string) => string | null,
  ) {}

  check(space: string): Promise<void> {
    return this.probe.require(space);
  }

  /** The terminal's upgrade has called check() for this new session already. */
  async command(space: string, resume: string | undefined): Promise<{ argv: string[]; env: Record<string, string> }> {
    const r = resume === "last" ? (this.lastSession(space) ?? "continue") : (resume ?? null);
    return { argv: sessionArgv(r), env: this.credentials.envFor(space) };
  }
}
