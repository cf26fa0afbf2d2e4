import type { ErrorBody } from "./errors.js";
import type { ExecRequest, ExecResult, ExecStreamLine } from "./schemas/exec.js";
import type { CreateSpaceRequest, Space, WakeTier } from "./schemas/space.js";
import type { Capabilities, SpaceStats, SystemInfo } from "./schemas/system.js";
import type { TemplateDetail, TemplateInput, TemplateSummary } from "./schemas/template.js";
import type { TerminalSessionInfo, TerminalTicket } from "./schemas/terminal.js";

export interface ClientOptions {
  /** Server root, e.g. http://localhost:7777 (with or without a trailing /api). */
  baseUrl: string;
  key?: string;
  fetch?: typeof fetch;
}

/** A non-2xx answer, carrying the server's stable code so callers can branch on it. */
export class ClawdspaceApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ClawdspaceApiError";
  }
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

  /** Streams an exec as NDJSON lines; the last line carries the exit code (or an error). */
  async *execStream(name: string, req: ExecRequest, signal?: AbortSignal): AsyncGenerator<ExecStreamLine> {
    const res = await this.request("POST", `/api/spaces/${enc(name)}/exec`, req, {
      accept: "application/x-ndjson",
      signal,
    });
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim()) yield JSON.parse(line) as ExecStreamLine;
      }
    }
    buffered += decoder.decode();
    if (buffered.trim()) yield JSON.parse(buffered) as ExecStreamLine;
  }

  /** A single-use ticket (valid 30 s) to open the terminal WebSocket without putting the key in its URL. */
  terminalTicket(name: string): Promise<TerminalTicket> {
    return this.json<TerminalTicket>("POST", `/api/spaces/${enc(name)}/terminal/ticket`);
  }
  async terminals(name: string): Promise<TerminalSessionInfo[]> {
    return (await this.json<{ terminals: TerminalSessionInfo[] }>("GET", `/api/spaces/${enc(name)}/terminals`)).terminals;
  }
  /** The ws:// (or wss://) URL of a space's terminal; pass a ticket for browsers, or send the key as a bearer header. */
  terminalUrl(name: string, query: Record<string, string | number | undefined> = {}): string {
    const u = new URL(`${this.root}/api/spaces/${enc(name)}/terminal`);
    u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
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
    opts: { accept?: string; signal?: AbortSignal; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: opts.accept ?? "application/json", ...opts.headers };
    if (this.opts.key) headers.authorization = `Bearer ${this.opts.key}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const res = await this.doFetch(this.root + path, { method, headers, body: payload, signal: opts.signal });
    if (!res.ok) throw await toApiError(res);
    return res;
  }
}

async function toApiError(res: Response): Promise<ClawdspaceApiError> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof body.error === "string") {
      return new ClawdspaceApiError(res.status, body.code ?? "UNKNOWN", body.error, body.details);
    }
  } catch {
    // not JSON: a proxy or an older server answered; fall through to a generic error
  }
  return new ClawdspaceApiError(res.status, "UNKNOWN", `HTTP ${res.status}: ${text.slice(0, 200) || res.statusText}`);
}

const enc = encodeURIComponent;
