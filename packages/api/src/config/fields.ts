import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import type { EngineEndpoint } from "../engine/engine.js";

/** The kinds of value our environment variables hold, each parsed with a message that names the variable. */
export const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/i;

export const bool = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const s = (v ?? "").trim().toLowerCase();
      if (["", "0", "false", "no", "off"].includes(s)) return false;
      if (["1", "true", "yes", "on"].includes(s)) return true;
      ctx.addIssue({ code: "custom", message: `${name} must be true or false, got "${v}"` });
      return z.NEVER;
    });

export const int = (min: number, max: number, dflt: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(env.HOME || homedir(), ".local", "share");
  return join(xdg, "clawdspace");
}

/** Parses DOCKER_HOST the way the docker CLI does (unix:// or tcp://); unset means the default socket. */
export function parseDockerHost(v: string | undefined, ctx: z.RefinementCtx): EngineEndpoint {
  if (!v || v.trim() === "") return { socketPath: "/var/run/docker.sock" };
  if (v.startsWith("unix://")) return { socketPath: v.slice("unix://".length) };
  const m = /^(tcp|http|https):\/\/([^:/]+|\[[^\]]+\]):(\d{1,5})\/?$/.exec(v);
  if (m) {
    return { host: m[2]!.replace(/^\[|\]$/g, ""), port: Number(m[3]), protocol: m[1] === "https" ? "https" : "http" };
  }
  ctx.addIssue({ code: "custom", path: ["DOCKER_HOST"], message: `must look like unix:///var/run/docker.sock or tcp://host:2375, got "${v}"` });
  return z.NEVER;
}

export const labelList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const out: Record<string, string> = {};
    for (const part of (v ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
      const m = /^([a-z0-9][a-z0-9._-]*)=(.*)$/i.exec(part);
      if (!m || m[1]!.startsWith("clawdspace.kind")) {
        ctx.addIssue({ code: "custom", message: `"${part}" is not a label of the form key=value` });
        return z.NEVER;
      }
      out[m[1]!] = m[2]!;
    }
    return out;
  });
