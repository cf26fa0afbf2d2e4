import os from "node:os";
import type { Express } from "express";
import { pino, type Logger } from "pino";
import request from "supertest";
import { expect } from "vitest";
import { createApp, type AppDeps } from "../../src/app.js";
import { composeDeps, type ComposeConfig } from "../../src/compose.js";
import { FakeWorld } from "../support/fakes/world.js";
import { openDb, type Db } from "../../src/store/db.js";
import type { TaskAgentPort } from "../../src/tasks/ports.js";

export const KEY = "cs_test_key_0123456789abcdef";

export function testConfig(over: Partial<ComposeConfig> = {}): ComposeConfig {
  return {
    image: "clawdspace:latest",
    defaultMemory: 2 * 1024 ** 3,
    defaultCpus: 1,
    pidsLimit: 1024,
    extraLabels: {},
    node: "test-node",
    dataDir: os.tmpdir(),
    bodyLimitBytes: 1024 * 1024,
    execMaxOutputBytes: 1024 * 1024,
    authDisabled: false,
    files: { maxUploadBytes: 64 * 1024 * 1024, maxTarEntries: 100_000 },
    audit: { maxAgeMs: 0, maxEvents: 0, pruneMs: 600_000 },
    observe: { duCacheMs: 10_000 },
    sleep: { idleTimeoutMs: 600_000, hibernateAfterMs: 86_400_000, checkMs: 15_000, cpuThresholdPct: 5, opTimeoutMs: 30_000, keepaliveMaxMs: 86_400_000 },
    ...over,
  };
}

export interface TestApp {
  app: Express;
  fake: FakeWorld;
  deps: ReturnType<typeof composeDeps>;
  /** Requests carrying the right key as a bearer token. */
  api: {
    get(path: string): request.Test;
    post(path: string, body?: unknown): request.Test;
    delete(path: string): request.Test;
    put(path: string, body?: unknown): request.Test;
  };
}

export function makeApp(
  opts: { config?: Partial<ComposeConfig>; logger?: Logger; apiKey?: string | undefined; fake?: FakeWorld; clock?: () => number; taskAgent?: TaskAgentPort; db?: Db } = {},
): TestApp {
  const fake = opts.fake ?? new FakeWorld();
  const apiKey = "apiKey" in opts ? opts.apiKey : KEY;
  const deps = composeDeps(testConfig(opts.config), fake.engine, opts.logger ?? pino({ level: "silent" }), apiKey, opts.db ?? openDb(":memory:"), opts.clock, undefined, opts.taskAgent);
  const app = createApp(deps);
  const auth = `Bearer ${KEY}`;
  return {
    app,
    fake,
    deps,
    api: {
      get: (path) => request(app).get(path).set("Authorization", auth),
      post: (path, body) => {
        const t = request(app).post(path).set("Authorization", auth);
        return body === undefined ? t : t.send(body as object);
      },
      delete: (path) => request(app).delete(path).set("Authorization", auth),
      put: (path, body) => {
        const t = request(app).put(path).set("Authorization", auth);
        return body === undefined ? t : t.send(body as object);
      },
    },
  };
}

/** Creates a space through the API and returns its wire object. */
export async function createSpace(t: TestApp, name: string, body: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await t.api.post("/api/spaces", { name, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.space;
}

/** Asserts the contract's error shape, and details.issues on validation failures. */
export function expectError(res: request.Response, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers["content-type"]).toMatch(/application\/json/);
  expect(typeof res.body.error).toBe("string");
  expect(res.body.error.length).toBeGreaterThan(0);
  expect(res.body.code).toBe(code);
  if (code === "VALIDATION_FAILED") {
    expect(Array.isArray(res.body.details?.issues), `details.issues missing in ${JSON.stringify(res.body)}`).toBe(true);
    for (const issue of res.body.details.issues) {
      expect(typeof issue.path).toBe("string");
      expect(typeof issue.message).toBe("string");
    }
  }
}

/** The paths of a validation error's issues. */
export const issuePaths = (res: request.Response): string[] => (res.body.details?.issues ?? []).map((i: { path: string }) => i.path);
