import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CreateSpaceRequest, ExecRequest, ExecResult } from "@clawdspace/shared";
import { afterAll, beforeAll } from "vitest";
import { TermClient } from "../support/termClient.js";
import { spaceName, startTestServer, type TestServer } from "./support.js";

export interface ServerOptions {
  /** The server's environment; a function when it depends on what an earlier hook made (a CA file, say). */
  env?: Record<string, string> | (() => Record<string, string>);
  /** A data folder of the fixture's own (CLAWDSPACE_DATA_DIR), kept across restart() and removed at the end. */
  dataDir?: boolean;
  /** Sends the server's log through the production logger into this stream. */
  logStream?: NodeJS.WritableStream;
}

export interface ServerHelpers {
  /** The data folder when `dataDir` was asked for. */
  readonly dataDir: string;
  /** A name unique to this run that the fixture deletes (with its volume) at the end, whatever the test did. */
  spaceName(prefix: string): string;
  /** POST a JSON body with the key, for raw status checks. */
  post(path: string, body: unknown): Promise<Response>;
  /** DELETE a space and its volume through the API, for raw status checks. */
  removeSpace(name: string): Promise<Response>;
  terminalUrl(space: string, query?: string): string;
  /** A terminal WebSocket with the key (or `headers`); the fixture closes it at the end. */
  terminal(space: string, query?: string, headers?: Record<string, string>): Promise<TermClient>;
  /** Closes this server and starts a new one with the same settings and store, as a server restart does. */
  restart(): Promise<void>;
}

/** The current server (through getters, so a test may hold it before the hook starts it) and the helpers. */
export type ServerFixture = TestServer & ServerHelpers;

export interface SpaceFixture extends ServerFixture {
  /** The fixture's own space, made before the first test. */
  readonly name: string;
  exec(command: ExecRequest["command"], opts?: Omit<ExecRequest, "command">): Promise<ExecResult>;
  /** A shell command's stdout. */
  sh(command: string): Promise<string>;
}

export interface SpaceOptions extends ServerOptions {
  /** How the space is created; 256m of memory unless said otherwise. */
  space?: Omit<CreateSpaceRequest, "name">;
}

interface Lifecycle<F> {
  fixture: F;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function serverLifecycle(opts: ServerOptions): Lifecycle<ServerFixture> {
  let current: TestServer | undefined;
  let dataDir = "";
  const names = new Set<string>();
  const terminals: TermClient[] = [];
  const launch = async () => {
    const env = typeof opts.env === "function" ? opts.env() : (opts.env ?? {});
    current = await startTestServer(dataDir ? { ...env, CLAWDSPACE_DATA_DIR: dataDir } : env, { logStream: opts.logStream });
  };
  const server = (): TestServer => {
    if (!current) throw new Error("the fixture's server runs only inside its hooks and tests");
    return current;
  };
  const helpers: ServerHelpers = {
    get dataDir() {
      return dataDir;
    },
    spaceName(prefix) {
      const name = spaceName(prefix);
      names.add(name);
      return name;
    },
    post: (path, body) => server().fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    removeSpace: (name) => server().fetch(`/api/spaces/${name}?removeVolume=true`, { method: "DELETE" }),
    terminalUrl: (space, query = "") => `${server().url.replace(/^http/, "ws")}/api/spaces/${space}/terminal${query}`,
    async terminal(space, query = "", headers = { authorization: `Bearer ${server().key}` }) {
      const t = await TermClient.open(helpers.terminalUrl(space, query), headers);
      terminals.push(t);
      return t;
    },
    async restart() {
      await server().close();
      current = undefined;
      await launch();
    },
  };
  const fixture = new Proxy(helpers, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver);
      // "then" and symbols are asked by await and by printers: an unstarted fixture is not a promise
      if (typeof prop === "symbol" || prop === "then") return current ? Reflect.get(current, prop) : undefined;
      const s = server();
      const v = Reflect.get(s, prop) as unknown;
      return typeof v === "function" ? v.bind(s) : v;
    },
  }) as ServerFixture;
  return {
    fixture,
    async start() {
      if (opts.dataDir) dataDir = await mkdtemp(join(tmpdir(), "cs-fixture-"));
      await launch();
    },
    async stop() {
      await Promise.all(terminals.splice(0).map((t) => t.close().catch(() => undefined)));
      const s = current;
      if (s) await Promise.all([...names].map((n) => s.client.deleteSpace(n, { removeVolume: true }).catch(() => undefined)));
      names.clear();
      await s?.close();
      current = undefined;
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function spaceLifecycle(prefix: string, opts: SpaceOptions): Lifecycle<SpaceFixture> {
  const inner = serverLifecycle(opts);
  const s = inner.fixture;
  const name = s.spaceName(prefix);
  const extra = {
    name,
    exec: (command: ExecRequest["command"], o: Omit<ExecRequest, "command"> = {}) => s.client.exec(name, { ...o, command }),
    sh: async (command: string) => (await s.client.exec(name, { command })).stdout,
  };
  const fixture = new Proxy(extra, {
    get: (target, prop) => (prop in target ? Reflect.get(target, prop) : Reflect.get(s, prop)),
  }) as unknown as SpaceFixture;
  return {
    fixture,
    async start() {
      await inner.start();
      await s.client.createSpace({ memory: "256m", ...opts.space, name });
    },
    stop: inner.stop,
  };
}

function hooked<F>(l: Lifecycle<F>): F {
  beforeAll(l.start);
  afterAll(l.stop);
  return l.fixture;
}

async function scoped<F>(l: Lifecycle<F>, body: (f: F) => Promise<void>): Promise<void> {
  try {
    await l.start();
    await body(l.fixture);
  } finally {
    await l.stop();
  }
}

/** A real server for the enclosing describe: started before its first test, and everything it made removed after its last. */
export const useTestServer = (opts: ServerOptions = {}): ServerFixture => hooked(serverLifecycle(opts));

/** A real server and a space of the describe's own, named `t<run>-<prefix>-<random>`. */
export const useServerWithSpace = (prefix: string, opts: SpaceOptions = {}): SpaceFixture => hooked(spaceLifecycle(prefix, opts));

/** The same server for one test alone (a test that needs settings of its own), cleaned up when the body ends. */
export const withTestServer = (opts: ServerOptions, body: (s: ServerFixture) => Promise<void>): Promise<void> => scoped(serverLifecycle(opts), body);
