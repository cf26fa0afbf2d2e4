import type { TaskRequest, TaskState } from "@clawdspace/shared";
import { client } from "../client";

// Every task query starts with "tasks", so one task event invalidates the space's list and the page across spaces.
export const spaceTasksQuery = (space: string) => ({
  queryKey: ["tasks", "space", space] as const,
  queryFn: () => client.tasks.list(space),
  // Task events invalidate; this covers a stream cut without a close.
  refetchInterval: 30_000,
});

export const allTasksQuery = (state?: TaskState) => ({
  queryKey: ["tasks", "all", state ?? "any"] as const,
  queryFn: () => client.tasks.list(undefined, state),
  refetchInterval: 30_000,
});

export const taskActions = {
  start: (space: string, req: TaskRequest) => client.tasks.start(space, req),
  cancel: (space: string, id: string) => client.tasks.cancel(space, id),
  remove: (space: string, id: string) => client.tasks.remove(space, id),
};
