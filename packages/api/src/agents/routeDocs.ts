import { AgentRunRequestSchema, AgentRunSchema, AgentTranscriptQuerySchema } from "@clawdspace/shared";
import { z } from "zod";
import type { RouteDoc } from "../system/openapiSpec.js";

const RunEnvelope = z.object({ run: AgentRunSchema });
const Transcript = z.object({
  run: AgentRunSchema,
  events: z.array(z.object({ type: z.string(), offset: z.number() }).passthrough()),
  nextOffset: z.number(),
  complete: z.boolean(),
});

/** The agent-run routes, for the OpenAPI document. */
export const AGENT_ROUTES: RouteDoc[] = [
  { method: "post", path: "/api/spaces/:name/agent/runs", summary: "Start Claude Code on a prompt as a background task (resume: \"last\" or a session id)", body: AgentRunRequestSchema, response: RunEnvelope, status: 201 },
  { method: "get", path: "/api/spaces/:name/agent/runs", summary: "The space's agent runs, newest first", response: z.object({ runs: z.array(AgentRunSchema) }) },
  { method: "get", path: "/api/spaces/:name/agent/runs/:id", summary: "A run and its transcript from an offset; NDJSON that follows until the end with follow=1", query: AgentTranscriptQuerySchema, response: Transcript },
  { method: "post", path: "/api/spaces/:name/agent/runs/:id/cancel", summary: "Stop the agent and everything it started", response: RunEnvelope },
];
