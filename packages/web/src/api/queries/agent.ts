import type { AgentRunRequest } from "@clawdspace/shared";
import { client } from "../client";

// A run is a task of its space (same id): under "tasks", the task events that invalidate the
// task lists invalidate the runs too, with no event kind of their own.
export const agentRunsQuery = (space: string) => ({
  queryKey: ["tasks", "agent", space] as const,
  queryFn: () => client.agent.list(space),
  refetchInterval: 30_000,
});

export const agentActions = {
  run: (space: string, req: AgentRunRequest) => client.agent.run(space, req),
  cancel: (space: string, id: string) => client.agent.cancel(space, id),
};
