import { MessageSchema, TaskListQuerySchema, TaskLogQuerySchema, TaskRequestSchema, TaskSchema, TaskStateSchema } from "@clawdspace/shared";
import { z } from "zod";
import type { RouteDoc } from "../system/openapiSpec.js";

const TaskEnvelope = z.object({ task: TaskSchema });
const TaskList = z.object({ tasks: z.array(TaskSchema) });
const LogPage = z.object({
  task: TaskSchema,
  offset: z.number(),
  nextOffset: z.number(),
  logStart: z.number(),
  lines: z.array(z.object({ stream: z.enum(["stdout", "stderr"]), data: z.string(), offset: z.number() })),
  complete: z.boolean(),
});

/** The task routes, for the OpenAPI document (kept beside the routes they describe). */
export const TASK_ROUTES: RouteDoc[] = [
  { method: "post", path: "/api/spaces/:name/tasks", summary: "Start a background task under the space's supervisor", body: TaskRequestSchema, response: TaskEnvelope, status: 201 },
  { method: "get", path: "/api/spaces/:name/tasks", summary: "The space's tasks, newest first", query: z.object({ state: TaskStateSchema.optional() }), response: TaskList },
  { method: "get", path: "/api/tasks", summary: "Tasks of every space, newest first", query: TaskListQuerySchema, response: TaskList },
  { method: "get", path: "/api/spaces/:name/tasks/:id", summary: "One task: state, exit code, times, output sizes", response: TaskEnvelope },
  { method: "get", path: "/api/spaces/:name/tasks/:id/logs", summary: "Output from a byte offset; NDJSON that follows until the end with follow=1", query: TaskLogQuerySchema, response: LogPage },
  { method: "post", path: "/api/spaces/:name/tasks/:id/cancel", summary: "TERM the task's processes, KILL after the grace period", response: TaskEnvelope },
  { method: "delete", path: "/api/spaces/:name/tasks/:id", summary: "Forget a finished task and delete its logs", response: MessageSchema },
];
