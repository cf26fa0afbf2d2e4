import { ClawdspaceApiError, toApiError } from "./clientError.js";
import { enc, ndjson, query, sseEvents, toBase64, toPayload, type BinaryBody } from "./wire.js";
import type { SpaceChangeEvent } from "./schemas/events.js";
import type { TaskChangeEvent } from "./schemas/task.js";
import { TaskClient, isTaskEnded } from "./taskClient.js";
import { AgentClient, isRunEnded } from "./agentClient.js";
import { ProjectClient } from "./projectClient.js";
import { TunnelClient } from "./tunnelClient.js";
import type { ExecRequest, ExecResult, ExecStreamLine } from "./schemas/exec.js";
import type { CreateSpaceRequest, Space, WakeTier } from "./schemas/space.js";
import type { TemplateDetail, TemplateInput, TemplateSummary } from "./schemas/template.js";
import type { TerminalQuery, TerminalServerMessage, TerminalSessionInfo, TerminalTicket } from "./schemas/terminal.js";
import type { AllStats, Capabilities, NodeList, Observability, SpaceStats, SystemInfo } from "./schemas/system.js";
import type { ArchiveUploadAnswer, FileContent, FileList, FileWriteAnswer } from "./schemas/files.js";
import type { AuditAppended, AuditEvent, AuditList, AuditQueryInput } from "./schemas/audit.js";

// Re-exported as types only: importing "@clawdspace/shared/client" loads no schema code (a faster CLI start).
export type { CreateSpaceRequest, ExecRequest, ExecResult, ExecStreamLine, Space, Capabilities, SpaceStats, SystemInfo, WakeTier, TerminalServerMessage, SpaceChangeEvent, BinaryBody };
export { ClawdspaceApiError, toApiError, TaskClient, isTaskEnded, AgentClient, isRunEnded, ProjectClient, TunnelClient };
export * from "./bundle.js";
export { BUNDLE_MEDIA_TYPE } from "./projectClient.js";
export type { ProjectImportAnswer, ProjectDiffQuery, ProjectImportQuery } from "./schemas/project.js";

/** One change from GET /api/events: a space's state, a task's start or end, or a new audit event. */
export type Change = { kind: "space"; event: SpaceChangeEvent } | { kind: "task"; event: TaskChangeEvent } | { kind: "audit"; event: AuditAppended };

/** Query of the terminal WebSocket: a browser passes a ticket, other clients send the key as a bearer header. */
export type TerminalUrlQuery = Partial<TerminalQuery> & { ticket?: string };

export interface ClientOptions {
  /** Server root, e.g. http://localhost:7777 (with or without a trailing /api); "" in a page served by the server itself. */
  baseUrl: string;
  /** The API key, or a function read at each request (a dashboard's key changes when a person signs in). */
  key?: string | (() => string | null | undefined);
  fetch?: typeof fetch;
}

export interface LifecycleAnswer {
  message: string;
  wake?: WakeTier;
}

/** Typed client for the dashboard, the CLI and tests; it only speaks the wire contract. */
export class ClawdspaceClient {
  private readonly root: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: ClientOptions) {
    this.root = opts.baseUrl.replace(/\/+$/, "").replace(/\/api$/, "");
    this.doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  health() {
    return this.json<{ status: "ok"; version: string }>("GET", "/api/health");
  }
  system() {
    return this.json<SystemInfo>("GET", "/api/system");
  }
  capabilities() {
    return this.json<Capabilities>("GET", "/api/system/capabilities");
  }
  /** Background tasks (start, list, logs, cancel, wait). */
  get tasks(): TaskClient { return new TaskClient(this); }
  /** Claude Code runs in a space (start, list, transcript, follow, cancel). */
  get agent(): AgentClient { return new AgentClient(this); }
  /** A repository or folder into a space, and its work back out (create --from, diff, pull). */
  get project(): ProjectClient { return new ProjectClient(this); }
  /** SSH keys and byte tunnels into a space (sshd, or a port on its loopback). */
  get tunnels(): TunnelClient { return new TunnelClient(this); }

  async listSpaces(): Promise<Space[]> {
    return (await this.json<{ spaces: Space[] }>("GET", "/api/spaces")).spaces;
  }
  async getSpace(name: string): Promise<Space> {
    return (await this.json<{ space: Space }>("GET", `/api/spaces/${enc(name)}`)).space;
  }
  async createSpace(req: CreateSpaceRequest): Promise<Space> {
    return (await this.json<{ space: Space }>("POST", "/api/spaces", req)).space;
  }
  deleteSpace(name: string, opts: { removeVolume?: boolean } = {}) {
    const q = opts.removeVolume ? "?removeVolume=true" : "";
    return this.json<{ message: string }>("DELETE", `/api/spaces/${enc(name)}${q}`);
  }
  pauseSpace(name: string) {
    return this.json<LifecycleAnswer>("POST", `/api/spaces/${enc(name)}/stop`);
  }
  startSpace(name: string) {
    return this.json<LifecycleAnswer>("POST", `/api/spaces/${enc(name)}/start`);
  }
  exec(name: string, req: ExecRequest) {
    return this.json<ExecResult>("POST", `/api/spaces/${enc(name)}/exec`, req);
  }
  async listTemplates(): Promise<TemplateSummary[]> {
    return (await this.json<{ templates: TemplateSummary[] }>("GET", "/api/templates")).templates;
  }
  getTemplate(name: string) {
    return this.json<TemplateDetail>("GET", `/api/templates/${enc(name)}`);
  }
  /** Stores a template from YAML (or JSON) text, or from its fields. */
  putTemplate(template: string | TemplateInput) {
    const body = typeof template === "string" ? { yaml: template } : template;
    return this.json<{ message: string; template: TemplateDetail }>("PUT", "/api/templates", body);
  }
  deleteTemplate(name: string) {
    return this.json<{ message: string }>("DELETE", `/api/templates/${enc(name)}`);
  }
  async stats(name: string): Promise<SpaceStats> {
    return (await this.json<{ stats: SpaceStats }>("GET", `/api/spaces/${enc(name)}/stats`)).stats;
  }
  /** Every running and paused space's load in one request (one engine list, no stats call per space). */
  allStats() {
    return this.json<AllStats>("GET", "/api/stats");
  }

  keepalive(name: string, ttlMs: number) {
    return this.json<{ until: string | null; wake?: WakeTier }>("POST", `/api/spaces/${enc(name)}/keepalive`, { ttlMs });
  }
  nodes() {
    return this.json<NodeList>("GET", "/api/nodes");
  }

  observability(name: string) {
    return this.json<Observability>("GET", `/api/spaces/${enc(name)}/observability`);
  }

  listFiles(name: string, path = "/") {
    return this.json<FileList>("GET", `/api/spaces/${enc(name)}/files${query({ path })}`);
  }
  /** A file as base64 inside JSON (bounded by the server's body limit; see `truncated`). */
  readFile(name: string, path: string, opts: { maxBytes?: number } = {}) {
    return this.json<FileContent>("GET", `/api/spaces/${enc(name)}/file${query({ path, maxBytes: opts.maxBytes })}`);
  }
  /** A file's bytes as a stream (any size). */
  async readFileStream(name: string, path: string, opts: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<ReadableStream<Uint8Array>> {
    const res = await this.request("GET", `/api/spaces/${enc(name)}/file${query({ path, raw: 1, maxBytes: opts.maxBytes })}`, undefined, {
      accept: "application/octet-stream",
      signal: opts.signal,
    });
    return res.body ?? new ReadableStream();
  }
  /** Writes a file: small content as JSON base64, anything else streamed raw (`size` is its exact length). */
  writeFile(name: string, path: string, content: Uint8Array | string): Promise<FileWriteAnswer> {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    return this.json<FileWriteAnswer>("PUT", `/api/spaces/${enc(name)}/file${query({ path })}`, { contentBase64: toBase64(bytes) });
  }
  async writeFileStream(name: string, path: string, body: BinaryBody, size: number, opts: { signal?: AbortSignal } = {}): Promise<FileWriteAnswer> {
    const res = await this.request("PUT", `/api/spaces/${enc(name)}/file${query({ path })}`, undefined, {
      raw: { body, contentType: "application/octet-stream", length: size },
      signal: opts.signal,
    });
    return (await res.json()) as FileWriteAnswer;
  }
  /** Where `writeFileStream` PUTs raw bytes: for a browser's XMLHttpRequest, which reports upload progress (fetch does not over HTTP/1.1). */
  fileWriteUrl(name: string, path: string): string {
    return this.absolute(`/api/spaces/${enc(name)}/file${query({ path })}`).toString();
  }
  deleteFile(name: string, path: string, opts: { recursive?: boolean } = {}) {
    return this.json<{ message: string }>("DELETE", `/api/spaces/${enc(name)}/file${query({ path, recursive: opts.recursive ? "true" : undefined })}`);
  }
  mkdir(name: string, path: string) {
    return this.json<{ message: string }>("POST", `/api/spaces/${enc(name)}/files/mkdir`, { path });
  }
  rename(name: string, from: string, to: string) {
    return this.json<{ message: string }>("POST", `/api/spaces/${enc(name)}/files/rename`, { from, to });
  }
  /** A tar stream of a folder's content or one file. */
  async downloadArchive(name: string, path = "/", opts: { signal?: AbortSignal } = {}): Promise<ReadableStream<Uint8Array>> {
    const res = await this.request("GET", `/api/spaces/${enc(name)}/archive${query({ path })}`, undefined, { accept: "application/x-tar", signal: opts.signal });
    return res.body ?? new ReadableStream();
  }
  /** Unpacks a tar stream into a folder. */
  async uploadArchive(name: string, path: string, tar: BinaryBody, opts: { signal?: AbortSignal } = {}): Promise<ArchiveUploadAnswer> {
    const res = await this.request("PUT", `/api/spaces/${enc(name)}/archive${query({ path })}`, undefined, {
      raw: { body: tar, contentType: "application/x-tar" },
      signal: opts.signal,
    });
    return (await res.json()) as ArchiveUploadAnswer;
  }

  audit(q: AuditQueryInput = {}) {
    return this.json<AuditList>("GET", `/api/audit${query(q)}`);
  }
  /** The event types the server writes, and any other type its log holds. */
  async auditTypes(): Promise<string[]> {
    return (await this.json<{ types: string[] }>("GET", "/api/audit/types")).types;
  }
  /** Every matching event, oldest first, streamed from the export. */
  async *auditExport(q: Omit<AuditQueryInput, "before"> = {}, signal?: AbortSignal): AsyncGenerator<AuditEvent> {
    const res = await this.request("GET", `/api/audit/export${query(q)}`, undefined, { accept: "application/x-ndjson", signal });
    yield* ndjson<AuditEvent>(res);
  }
  /** Follows new events (`clawdspace audit --follow`): polls with the `after` cursor until aborted. */
  async *auditFollow(q: Omit<AuditQueryInput, "before" | "after"> & { intervalMs?: number } = {}, signal?: AbortSignal): AsyncGenerator<AuditEvent> {
    const { intervalMs = 1000, ...filter } = q;
    let after = (await this.audit({ ...filter, limit: 1 })).nextAfter ?? 0;
    while (!signal?.aborted) {
      const page = await this.audit({ ...filter, after, limit: 1000 });
      for (const e of page.events) yield e;
      after = page.nextAfter ?? after;
      if (page.events.length < 1000) await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  /** Streams an exec as NDJSON lines; the last line carries the exit code (or an error). */
  async *execStream(name: string, req: ExecRequest, signal?: AbortSignal): AsyncGenerator<ExecStreamLine> {
    yield* ndjson<ExecStreamLine>(await this.request("POST", `/api/spaces/${enc(name)}/exec`, req, { accept: "application/x-ndjson", signal }));
  }

  /** A single-use ticket (valid 30 s) to open the terminal WebSocket without putting the key in its URL. */
  terminalTicket(name: string): Promise<TerminalTicket> {
    return this.json<TerminalTicket>("POST", `/api/spaces/${enc(name)}/terminal/ticket`);
  }
  async terminals(name: string): Promise<TerminalSessionInfo[]> {
    return (await this.json<{ terminals: TerminalSessionInfo[] }>("GET", `/api/spaces/${enc(name)}/terminals`)).terminals;
  }
  /** The ws:// (or wss://) URL of a space's terminal; pass a ticket for browsers, or send the key as a bearer header. */
  terminalUrl(name: string, q: TerminalUrlQuery = {}): string {
    return this.socketUrl(`/api/spaces/${enc(name)}/terminal`, q);
  }
  /** The ws:// (or wss://) URL of a WebSocket route, with its query. */
  socketUrl(path: string, q: Record<string, string | number | boolean | undefined> = {}): string {
    const u = this.absolute(path);
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    for (const [k, v] of Object.entries(q)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** URL of GET /api/events; `events()` reads it with the key in a header, never in the URL. */
  eventsUrl(): string {
    return this.absolute("/api/events").toString();
  }
  /**
   * Opens the stream of space state changes; resolves once the server answered (the stream is live),
   * with the events as they come. It ends when the server ends it; abort `signal` to close it.
   */
  async events(signal?: AbortSignal): Promise<AsyncGenerator<SpaceChangeEvent>> {
    const all = await this.changes(signal);
    return (async function* () {
      for await (const c of all) if (c.kind === "space") yield c.event;
    })();
  }

  /** The same stream with task starts and ends and new audit events too, each tagged with its kind. */
  async changes(signal?: AbortSignal): Promise<AsyncGenerator<Change>> {
    const res = await this.request("GET", "/api/events", undefined, { accept: "text/event-stream", signal });
    const events = sseEvents<SpaceChangeEvent & TaskChangeEvent & AuditAppended>(res);
    return (async function* () {
      for await (const e of events) {
        if (e.event === "task") yield { kind: "task", event: e.data };
        else if (e.event === "audit") yield { kind: "audit", event: e.data };
        else if (e.event === "space" || e.event === "message") yield { kind: "space", event: e.data };
      }
    })();
  }

  /** A relative root (a page on the server's own origin) resolves against the page's address. */
  private absolute(path: string): URL {
    return new URL(this.root + path, this.root ? undefined : globalThis.location?.href);
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    return (await res.json()) as T;
  }

  /** Raw request with auth and error mapping; resolves only for 2xx answers. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    opts: {
      accept?: string;
      signal?: AbortSignal;
      headers?: Record<string, string>;
      raw?: { body: BinaryBody; contentType: string; length?: number };
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: opts.accept ?? "application/json", ...opts.headers };
    const key = typeof this.opts.key === "function" ? this.opts.key() : this.opts.key;
    if (key) headers.authorization = `Bearer ${key}`;
    let payload: string | Uint8Array | Blob | ReadableStream<Uint8Array> | undefined;
    let streaming = false;
    if (opts.raw) {
      headers["content-type"] = opts.raw.contentType;
      if (opts.raw.length !== undefined) headers["content-length"] = String(opts.raw.length);
      ({ payload, streaming } = toPayload(opts.raw.body));
    } else if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const init: RequestInit & { duplex?: "half" } = { method, headers, body: payload as BodyInit | undefined, signal: opts.signal };
    if (streaming) init.duplex = "half";
    const res = await this.doFetch(this.root + path, init);
    if (!res.ok) throw await toApiError(res);
    return res;
  }
}
