import type { SpaceFixture } from "./fixture.js";

/**
 * The two ways a call reaches a space: through its agent, and docker exec (the fallback, forced by
 * SPACE_AGENT=off, which also makes spaces without an agent). Suites run once per path.
 */
export const EXEC_PATHS = [
  { path: "agent", env: {} as Record<string, string> },
  { path: "docker exec", env: { SPACE_AGENT: "off" } as Record<string, string> },
] as const;

export type ExecPath = (typeof EXEC_PATHS)[number]["path"];

/** Calls that went through the agents and through docker exec so far (the agent's own count of its fallbacks). */
export function pathCounts(s: SpaceFixture): { agent: number; fallback: number } | undefined {
  return s.deps.spaceAgent ? { ...s.deps.spaceAgent.exec.counts } : undefined;
}

/** Fails unless the calls since `before` took the path the suite is about. */
export function expectPath(s: SpaceFixture, path: ExecPath, before: { agent: number; fallback: number } | undefined): void {
  const now = pathCounts(s);
  if (path === "docker exec") {
    if (now) throw new Error("the fallback suite runs with the agent composed in");
    return;
  }
  if (!now || !before || now.agent <= before.agent) throw new Error(`no call went through the agent (counts ${JSON.stringify(now)})`);
}
