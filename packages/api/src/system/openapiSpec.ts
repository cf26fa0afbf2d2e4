import {
  ArchiveQuerySchema,
  ArchiveUploadAnswerSchema,
  AuditEventSchema,
  AuditExportQuerySchema,
  AuditListSchema,
  AuditTypesSchema,
  AllStatsSchema,
  AuditQuerySchema,
  CapabilitiesSchema,
  CreateSpaceRequestSchema,
  DeleteFileQuerySchema,
  DeleteSpaceQuerySchema,
  ErrorBodySchema,
  ExecRequestSchema,
  ExecResultSchema,
  FileContentSchema,
  FileListSchema,
  FileWriteAnswerSchema,
  HealthSchema,
  LifecycleAnswerSchema,
  ListFilesQuerySchema,
  MessageAnswerSchema,
  MessageSchema,
  MkdirBodySchema,
  NodeListSchema,
  ObservabilitySchema,
  ReadFileQuerySchema,
  RenameBodySchema,
  SpaceEnvelopeSchema,
  SpaceListSchema,
  StatsSchema,
  SystemSchema,
  PutTemplateRequestSchema,
  TemplateDetailSchema,
  TemplateListSchema,
  TerminalSessionInfoSchema,
  TerminalTicketSchema,
  WriteFileBodySchema,
  WriteFileQuerySchema,
} from "@clawdspace/shared";
import { z } from "zod";
import { TASK_ROUTES } from "../tasks/routeDocs.js";
import { AGENT_ROUTES } from "../agents/routeDocs.js";
import { NODE_ROUTES } from "../nodes/routeDocs.js";
import { PROJECT_ROUTES } from "../projects/routeDocs.js";
import { TUNNEL_ROUTES } from "../tunnel/routeDocs.js";

type Schema = z.ZodType;

export interface RouteDoc {
  method: "get" | "post" | "put" | "delete";
  /** Express-style path (":name"). */
  path: string;
  summary: string;
  query?: z.ZodObject;
  body?: Schema;
  /** A raw request body instead of JSON, by media type. */
  rawBody?: string[];
  response?: Schema;
  /** A raw answer instead of JSON, by media type. */
  rawResponse?: string;
  status?: number;
  public?: boolean;
}

const KeepaliveBody = z.object({ ttlMs: z.number().int().min(0) });
const KeepaliveAnswer = z.object({ until: z.string().nullable(), ttlMs: z.number(), clamped: z.boolean(), wake: z.enum(["warm", "cold"]).optional() });
const SleepAnswer = z.object({
  state: z.string(),
  lastActivity: z.object({ at: z.string().nullable(), source: z.string().nullable() }),
  pauseAt: z.string().nullable(),
  hibernateAt: z.string().nullable(),
  blockedBy: z.array(z.object({ reason: z.string(), until: z.string().optional(), tasks: z.array(z.object({ id: z.string(), name: z.string().nullable() })).optional() })),
  wouldPauseNow: z.boolean(),
  wouldHibernateNow: z.boolean(),
  tasks: z.array(z.object({ id: z.string(), name: z.string().nullable(), keepAwake: z.boolean() })),
});

/** Every route the server answers; the OpenAPI document and its docs test are built from this list. */
export const ROUTES: RouteDoc[] = [
  { method: "get", path: "/api/health", summary: "Liveness and version (no key needed)", response: HealthSchema, public: true },
  { method: "get", path: "/api/system", summary: "Host and engine figures", response: SystemSchema },
  { method: "get", path: "/api/system/capabilities", summary: "What this node can give a space", response: CapabilitiesSchema },
  { method: "get", path: "/api/nodes", summary: "Every node of this Clawdspace with its health, latency, since when, capacity and spaces (this node alone until several join)", response: NodeListSchema },
  { method: "get", path: "/api/spaces", summary: "List spaces", response: SpaceListSchema },
  { method: "post", path: "/api/spaces", summary: "Create a space", body: CreateSpaceRequestSchema, response: SpaceEnvelopeSchema, status: 201 },
  { method: "get", path: "/api/spaces/:name", summary: "One space", response: SpaceEnvelopeSchema },
  { method: "delete", path: "/api/spaces/:name", summary: "Destroy a space (the volume stays unless removeVolume=true)", query: DeleteSpaceQuerySchema, response: MessageSchema },
  { method: "post", path: "/api/spaces/:name/stop", summary: "Pause a space", response: MessageSchema },
  { method: "post", path: "/api/spaces/:name/start", summary: "Resume or start a space", response: LifecycleAnswerSchema },
  { method: "post", path: "/api/spaces/:name/exec", summary: "Run a command (NDJSON stream with Accept: application/x-ndjson)", body: ExecRequestSchema, response: ExecResultSchema },
  { method: "get", path: "/api/spaces/:name/stats", summary: "One stats read: CPU, memory, pids, network, block I/O", response: StatsSchema },
  { method: "get", path: "/api/stats", summary: "Every running and paused space's CPU, memory and pids with a CPU trend, in one request (one engine list; host cgroup files, no stats call per space)", response: AllStatsSchema },
  { method: "get", path: "/api/spaces/:name/observability", summary: "Top processes and workspace disk use (not audited, not activity, never wakes)", response: ObservabilitySchema },
  { method: "post", path: "/api/spaces/:name/keepalive", summary: "Hold a space awake for ttlMs", body: KeepaliveBody, response: KeepaliveAnswer },
  { method: "get", path: "/api/spaces/:name/sleep", summary: "Why the space would (not) sleep now", response: SleepAnswer },
  { method: "get", path: "/api/spaces/:name/files", summary: "List a folder", query: ListFilesQuerySchema, response: FileListSchema },
  { method: "get", path: "/api/spaces/:name/file", summary: "Read a file (JSON base64; raw bytes with raw=1)", query: ReadFileQuerySchema, response: FileContentSchema },
  {
    method: "put",
    path: "/api/spaces/:name/file",
    summary: "Write a file: JSON contentBase64, or raw bytes as application/octet-stream",
    query: WriteFileQuerySchema,
    body: WriteFileBodySchema,
    rawBody: ["application/octet-stream"],
    response: FileWriteAnswerSchema,
  },
  { method: "delete", path: "/api/spaces/:name/file", summary: "Delete a file or link (a folder with recursive=true)", query: DeleteFileQuerySchema, response: MessageAnswerSchema },
  { method: "post", path: "/api/spaces/:name/files/mkdir", summary: "Make a folder (and its parents)", body: MkdirBodySchema, response: MessageAnswerSchema },
  { method: "post", path: "/api/spaces/:name/files/rename", summary: "Rename or move a file or folder", body: RenameBodySchema, response: MessageAnswerSchema },
  { method: "get", path: "/api/spaces/:name/archive", summary: "Download a folder or file as a tar stream", query: ArchiveQuerySchema, rawResponse: "application/x-tar" },
  { method: "put", path: "/api/spaces/:name/archive", summary: "Unpack a tar into a folder (sanitised)", query: ArchiveQuerySchema, rawBody: ["application/x-tar"], response: ArchiveUploadAnswerSchema },
  { method: "post", path: "/api/spaces/:name/terminal/ticket", summary: "A single-use ticket (30 s) for the terminal WebSocket", response: TerminalTicketSchema, status: 201 },
  { method: "get", path: "/api/spaces/:name/terminals", summary: "The space's live terminal sessions", response: z.object({ terminals: z.array(TerminalSessionInfoSchema) }) },
  { method: "get", path: "/api/templates", summary: "Templates (built-in and stored)", response: TemplateListSchema },
  { method: "get", path: "/api/templates/:name", summary: "One template: its YAML and parsed fields", response: TemplateDetailSchema },
  { method: "put", path: "/api/templates", summary: "Create or replace a template ({yaml}, the fields as JSON, or application/yaml)", body: PutTemplateRequestSchema, rawBody: ["application/yaml"], response: MessageSchema },
  { method: "delete", path: "/api/templates/:name", summary: "Delete a stored template (a built-in's override reverts)", response: MessageSchema },
  { method: "get", path: "/api/audit", summary: "Audit events: the newest limit matching, oldest first", query: AuditQuerySchema, response: AuditListSchema },
  { method: "get", path: "/api/audit/types", summary: "Event types for a filter: every type the server writes, and any other the log holds", response: AuditTypesSchema },
  { method: "get", path: "/api/audit/export", summary: "Audit events as JSON lines, oldest first", query: AuditExportQuerySchema, rawResponse: "application/x-ndjson" },
  ...TASK_ROUTES,
  ...AGENT_ROUTES,
  ...NODE_ROUTES,
  ...PROJECT_ROUTES,
  ...TUNNEL_ROUTES,
  { method: "get", path: "/api/events", summary: "Server-sent events: space state changes (event: space, data: {space, state, cause, at}) and task starts and ends (event: task)", rawResponse: "text/event-stream" },
  { method: "get", path: "/api/openapi.json", summary: "This document", rawResponse: "application/json" },
  { method: "get", path: "/metrics", summary: "Prometheus metrics", rawResponse: "text/plain" },
];

function jsonSchema(schema: Schema): Record<string, unknown> {
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "openapi-3.0" }) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export const openapiPath = (p: string) => p.replace(/:([A-Za-z]+)/g, "{$1}");

/** OpenAPI 3 document generated from the same zod schemas the server validates with. */
export function buildOpenApi(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorResponse = { description: "Error", content: { "application/json": { schema: jsonSchema(ErrorBodySchema) } } };
  for (const r of ROUTES) {
    const parameters: unknown[] = [];
    for (const m of r.path.matchAll(/:([A-Za-z]+)/g)) parameters.push({ name: m[1], in: "path", required: true, schema: { type: "string" } });
    if (r.query) {
      const qs = jsonSchema(r.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(qs.properties ?? {})) {
        parameters.push({ name, in: "query", required: qs.required?.includes(name) ?? false, schema });
      }
    }
    const content: Record<string, unknown> = {};
    if (r.body) content["application/json"] = { schema: jsonSchema(r.body) };
    for (const t of r.rawBody ?? []) content[t] = { schema: { type: "string", format: "binary" } };
    const ok = r.rawResponse
      ? { description: "OK", content: { [r.rawResponse]: { schema: { type: "string" } } } }
      : { description: "OK", content: { "application/json": { schema: r.response ? jsonSchema(r.response) : {} } } };
    (paths[openapiPath(r.path)] ??= {})[r.method] = {
      summary: r.summary,
      ...(parameters.length ? { parameters } : {}),
      ...(Object.keys(content).length ? { requestBody: { required: true, content } } : {}),
      ...(r.public ? { security: [] } : {}),
      responses: { [String(r.status ?? 200)]: ok, default: errorResponse },
    };
  }
  return {
    openapi: "3.0.3",
    info: { title: "Clawdspace API", version },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { AuditEvent: jsonSchema(AuditEventSchema) },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
