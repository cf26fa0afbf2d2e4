import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { parseMemory } from "@clawdspace/shared";
import { z } from "zod";
import { readCredentialsFile } from "./agents/credentials.js";
import { loadClusterSecret, nodeEnvShape, nodesFromEnv } from "./nodes/nodeConfig.js";
import { LOOPBACK, bool, defaultDataDir, int, labelList, parseDockerHost } from "./config/fields.js";
import type { EngineEndpoint } from "./engine/engine.js";

function isLocalEngine(e: EngineEndpoint): boolean {
  return Boolean(e.socketPath) || (e.host !== undefined && LOOPBACK.test(e.host));
}

export const ConfigSchema = z
  .object({
    PORT: int(0, 65535, 7777),
    // Loopback unless asked: the API speaks plain HTTP, so reaching it from elsewhere is a choice (with TLS in front).
    HOST: z.string().trim().min(1).default("127.0.0.1"),
    API_KEY: z.string().optional().transform((v) => (v && v.trim() !== "" ? v : undefined)),
    CLAWDSPACE_AUTH_DISABLED: bool("CLAWDSPACE_AUTH_DISABLED"),
    CLAWDSPACE_IMAGE: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,254}$/, { error: "must be a Docker image reference" })
      .default("clawdspace:latest"),
    CLAWDSPACE_BASE_IMAGE: z.string().optional(),
    CLAWDSPACE_BUILD_IMAGE: bool("CLAWDSPACE_BUILD_IMAGE").optional(),
    CLAWDSPACE_EXTRA_CA: z
      .string()
      .refine((v) => v === "" || v === "none" || isAbsolute(v), { error: 'must be an absolute path to a PEM bundle or a folder of .crt files, or "none"' })
      .optional()
      .transform((v) => (v === "" ? undefined : v)),
    CLAWDSPACE_DATA_DIR: z.string().optional(),
    CLAWDSPACE_LABELS: labelList,
    CLAWDSPACE_NETWORK_POLICY: bool("CLAWDSPACE_NETWORK_POLICY").optional(),
    REPO_TOKEN_ALLOW_HTTP: bool("REPO_TOKEN_ALLOW_HTTP"),
    CLAWDSPACE_NETWORK_PREFIX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9]{0,9}$/, { error: "must be 1-10 lowercase letters or digits (it names bridges, at most 15 characters)" })
      .default("clawdsp"),
    CLAWDSPACE_DNS_SERVERS: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const list = (v ?? "").split(",").map((x) => x.trim()).filter(Boolean);
        const bad = list.find((ip) => !/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(ip));
        if (bad) {
          ctx.addIssue({ code: "custom", message: `"${bad}" is not an IPv4 address (a comma list of the engine host's DNS servers)` });
          return z.NEVER;
        }
        return list.length ? list : undefined;
      }),
    CLAWDSPACE_HELPER_IMAGE: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,254}$/, { error: "must be a Docker image reference" })
      .default("clawdspace/netpolicy:latest"),
    CLAWDSPACE_AGENT_IMAGE: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,254}$/, { error: "must be a Docker image reference" })
      .default("clawdspace/agent:latest"),
    // Pinned: a new Claude Code release is a change to test, not something a rebuild picks up by surprise.
    CLAUDE_CODE_VERSION: z
      .string()
      .regex(/^(latest|stable|\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)$/, { error: 'must be a version such as 2.1.332, or "latest"' })
      .default("2.1.332"),
    AGENT_CREDENTIALS_FILE: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined))
      .refine((v) => !v || isAbsolute(v), { error: "must be an absolute path" }),
    ...nodeEnvShape,
    CLAWDSPACE_WEB_DIR: z.string().optional(),
    DOCKER_HOST: z.string().optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    DEFAULT_MEMORY: z.string().default("2g"),
    DEFAULT_CPUS: z.string().default("1"),
    SPACE_PIDS_LIMIT: int(16, 1_000_000, 1024),
    EXEC_MAX_OUTPUT_BYTES: int(1024, 1024 ** 3, 16 * 1024 * 1024),
    BODY_LIMIT_BYTES: int(1024, 1024 ** 3, 10 * 1024 * 1024),
    SHUTDOWN_GRACE_MS: int(0, 600_000, 10_000),
    IDLE_TIMEOUT_MS: int(0, 365 * 86_400_000, 600_000),
    HIBERNATE_AFTER_MS: int(0, 365 * 86_400_000, 86_400_000),
    SLEEP_CHECK_MS: int(100, 3_600_000, 15_000),
    SLEEP_CPU_THRESHOLD_PCT: int(1, 10_000, 5),
    SLEEP_OP_TIMEOUT_MS: int(100, 600_000, 30_000),
    KEEPALIVE_MAX_MS: int(1000, 365 * 86_400_000, 86_400_000),
    TERMINAL_BUFFER_BYTES: int(4096, 256 * 1024 ** 2, 1024 ** 2),
    TERMINAL_IDLE_MS: int(1000, 365 * 86_400_000, 900_000),
    TERMINAL_SOCKET_HWM_BYTES: int(1024, 256 * 1024 ** 2, 1024 ** 2),
    TERMINAL_OUTPUT_ACTIVITY_MS: int(0, 3_600_000, 10_000),
    TERMINAL_ALLOWED_ORIGINS: z.string().optional(),
    CLAWDSPACE_PUBLIC_URL: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v || v.trim() === "") return undefined;
        try {
          const u = new URL(v.trim());
          if (u.protocol === "http:" || u.protocol === "https:") return u.origin;
        } catch {
          // reported below
        }
        ctx.addIssue({ code: "custom", message: `must be the http(s) URL people open the dashboard at, got "${v}"` });
        return z.NEVER;
      }),
    TERMINAL_MAX_SESSIONS_PER_SPACE: int(1, 100_000, 16),
    TERMINAL_MAX_SESSIONS: int(1, 1_000_000, 256),
    TERMINAL_MAX_VIEWERS: int(1, 100_000, 32),
    EVENTS_MAX_STREAMS: int(1, 1_000_000, 64),
    HISTORY_POLL_MS: int(100, 3_600_000, 5_000),
    FILE_MAX_BYTES: int(1024, 1024 ** 4, 10 * 1024 ** 3),
    TAR_MAX_ENTRIES: int(1, 100_000_000, 100_000),
    AUDIT_MAX_AGE_DAYS: int(0, 36_500, 90),
    AUDIT_MAX_EVENTS: int(0, 1_000_000_000, 1_000_000),
    AUDIT_PRUNE_MS: int(1000, 86_400_000, 600_000),
    OBSERVE_DU_CACHE_MS: int(0, 3_600_000, 10_000),
    TASK_POLL_MS: int(100, 600_000, 2_000),
    NETWORK_REAPPLY_MS: int(0, 86_400_000, 60_000),
    NETWORK_WATCH_MS: int(200, 600_000, 2_000),
    TASK_GRACE_MS: int(0, 600_000, 5_000),
    SPACE_AGENT: bool("SPACE_AGENT").optional(),
    SPACE_AGENT_ANSWER_MS: int(20, 60_000, 500),
    CLAWDSPACE_WEBHOOK_URL: z
      .string()
      .optional()
      .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined))
      .refine((v) => v === undefined || /^https?:\/\/[^\s]+$/i.test(v), { error: "must be an http:// or https:// URL" }),
    CLAWDSPACE_WEBHOOK_SECRET_FILE: z
      .string()
      .optional()
      .refine((v) => !v || isAbsolute(v), { error: "must be an absolute path" }),
  })
  .transform((env, ctx) => {
    const docker = parseDockerHost(env.DOCKER_HOST, ctx);
    const authDisabled = env.CLAWDSPACE_AUTH_DISABLED;
    const defaultMemory = parseMemory(env.DEFAULT_MEMORY);
    if (defaultMemory === null) ctx.addIssue({ code: "custom", path: ["DEFAULT_MEMORY"], message: `must be a size such as 2g, got "${env.DEFAULT_MEMORY}"` });
    const defaultCpus = Number(env.DEFAULT_CPUS);
    if (!(defaultCpus > 0)) ctx.addIssue({ code: "custom", path: ["DEFAULT_CPUS"], message: `must be a positive number, got "${env.DEFAULT_CPUS}"` });
    if (authDisabled && !LOOPBACK.test(env.HOST)) {
      ctx.addIssue({
        code: "custom",
        path: ["CLAWDSPACE_AUTH_DISABLED"],
        message: `is only allowed when HOST is a loopback address (127.0.0.1, ::1, localhost); HOST is "${env.HOST}"`,
      });
    }
    return {
      port: env.PORT,
      host: env.HOST,
      apiKey: env.API_KEY,
      authDisabled,
      image: env.CLAWDSPACE_IMAGE,
      baseImage: env.CLAWDSPACE_BASE_IMAGE,
      buildImageOnStart: env.CLAWDSPACE_BUILD_IMAGE ?? true,
      extraCa: env.CLAWDSPACE_EXTRA_CA,
      dataDir: env.CLAWDSPACE_DATA_DIR ?? "",
      extraLabels: env.CLAWDSPACE_LABELS,
      network: {
        policy: env.CLAWDSPACE_NETWORK_POLICY ?? true,
        prefix: env.CLAWDSPACE_NETWORK_PREFIX,
        helperImage: env.CLAWDSPACE_HELPER_IMAGE,
        dnsServers: env.CLAWDSPACE_DNS_SERVERS,
        reapplyMs: env.NETWORK_REAPPLY_MS,
        watchMs: env.NETWORK_WATCH_MS,
      },
      node: env.CLAWDSPACE_NODE,
      nodes: nodesFromEnv(env, ctx),
      repoTokenOverHttp: env.REPO_TOKEN_ALLOW_HTTP,
      agent: { image: env.CLAWDSPACE_AGENT_IMAGE, claudeCodeVersion: env.CLAUDE_CODE_VERSION, credentialsFile: env.AGENT_CREDENTIALS_FILE },
      // The dashboard workspace's build output, found from this file (dist/config.js) when unset.
      webDir: env.CLAWDSPACE_WEB_DIR || fileURLToPath(new URL("../../web/dist", import.meta.url)),
      docker,
      logLevel: env.LOG_LEVEL,
      defaultMemory: defaultMemory ?? 0,
      defaultCpus,
      pidsLimit: env.SPACE_PIDS_LIMIT,
      execMaxOutputBytes: env.EXEC_MAX_OUTPUT_BYTES,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
      files: { maxUploadBytes: env.FILE_MAX_BYTES, maxTarEntries: env.TAR_MAX_ENTRIES },
      audit: { maxAgeMs: env.AUDIT_MAX_AGE_DAYS * 86_400_000, maxEvents: env.AUDIT_MAX_EVENTS, pruneMs: env.AUDIT_PRUNE_MS },
      observe: { duCacheMs: env.OBSERVE_DU_CACHE_MS },
      tasks: { pollMs: env.TASK_POLL_MS, graceMs: env.TASK_GRACE_MS },
      // The agents' sockets are files on the server's disk mounted into spaces: only an engine on this machine sees them.
      spaceAgent: { enabled: (env.SPACE_AGENT ?? true) && isLocalEngine(docker), answerMs: env.SPACE_AGENT_ANSWER_MS },
      eventsMaxStreams: env.EVENTS_MAX_STREAMS,
      webhook: { url: env.CLAWDSPACE_WEBHOOK_URL, secretFile: env.CLAWDSPACE_WEBHOOK_SECRET_FILE, secret: "" },
      sleep: {
        idleTimeoutMs: env.IDLE_TIMEOUT_MS,
        hibernateAfterMs: env.HIBERNATE_AFTER_MS,
        checkMs: env.SLEEP_CHECK_MS,
        cpuThresholdPct: env.SLEEP_CPU_THRESHOLD_PCT,
        opTimeoutMs: env.SLEEP_OP_TIMEOUT_MS,
        keepaliveMaxMs: env.KEEPALIVE_MAX_MS,
      },
      terminal: {
        bufferBytes: env.TERMINAL_BUFFER_BYTES,
        idleMs: env.TERMINAL_IDLE_MS,
        socketHighWaterBytes: env.TERMINAL_SOCKET_HWM_BYTES,
        outputActivityMs: env.TERMINAL_OUTPUT_ACTIVITY_MS,
        allowedOrigins: (env.TERMINAL_ALLOWED_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean),
        publicOrigin: env.CLAWDSPACE_PUBLIC_URL,
        limits: { sessionsPerSpace: env.TERMINAL_MAX_SESSIONS_PER_SPACE, sessions: env.TERMINAL_MAX_SESSIONS, viewersPerSession: env.TERMINAL_MAX_VIEWERS },
        historyPollMs: env.HISTORY_POLL_MS,
      },
    };
  });

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parsed once at start; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${String(i.path[0] ?? "config")}: ${i.message}`));
  }
  const cfg = result.data;
  if (cfg.webhook.url) cfg.webhook.secret = readWebhookSecret(cfg.webhook.secretFile);
  if (cfg.agent.credentialsFile) {
    try {
      readCredentialsFile(cfg.agent.credentialsFile);
    } catch (err) {
      throw new ConfigError([`AGENT_CREDENTIALS_FILE: ${(err as Error).message}`]);
    }
  }
  const secretProblem = loadClusterSecret(cfg.nodes);
  if (secretProblem) throw new ConfigError([secretProblem]);
  if (!cfg.dataDir) cfg.dataDir = defaultDataDir(env);
  else if (!isAbsolute(cfg.dataDir)) throw new ConfigError([`CLAWDSPACE_DATA_DIR: must be an absolute path, got "${cfg.dataDir}"`]);
  return cfg;
}

/** The webhook's HMAC secret comes from a file (never the environment, which leaks into process listings). */
function readWebhookSecret(file: string | undefined): string {
  if (!file) throw new ConfigError(["CLAWDSPACE_WEBHOOK_SECRET_FILE: is required when CLAWDSPACE_WEBHOOK_URL is set (deliveries are signed)"]);
  let secret: string;
  try {
    secret = readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new ConfigError([`CLAWDSPACE_WEBHOOK_SECRET_FILE: cannot read ${file}: ${(err as Error).message}`]);
  }
  if (secret.length < 16) throw new ConfigError([`CLAWDSPACE_WEBHOOK_SECRET_FILE: the secret in ${file} must be at least 16 characters`]);
  return secret;
}
