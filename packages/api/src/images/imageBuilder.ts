import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { BuildContextFile, ImagesPort } from "../engine/ports/images.js";
import { VERSION } from "../version.js";

export const OFFICIAL_BASE = "debian:bookworm-slim";
export const OFFLINE_BASE = "clawdspace/debian-base:bookworm";
export const HOST_CA_DIR = "/usr/local/share/ca-certificates";

export interface ImageBuildOptions {
  image: string;
  /** Explicit base image; when unset the official one is used, or an offline-built one where it cannot be pulled. */
  baseImage?: string;
  /** A PEM bundle, a .crt file or a folder of .crt files to trust inside spaces; "none" disables; unset means the host's extra CAs. */
  extraCa?: string;
  force?: boolean;
  dockerDir?: string;
}

export const defaultDockerDir = () => fileURLToPath(new URL("../../../../docker/", import.meta.url));
/** The in-space task supervisor, built by packages/space-agent (make); baked in at /opt/clawdspace/bin. */
export const defaultAgentBinary = () => fileURLToPath(new URL("../../../space-agent/dist/clawdspace-agent", import.meta.url));

/** Build output in the log: each Dockerfile step at info, the rest at debug. */
const buildProgress = (log: Logger, image: string) => (line: string) => {
  if (/^Step \d+\/\d+/.test(line)) log.info({ image }, line);
  else log.debug({ image }, line);
};

/** Makes sure the space image exists, building it (and, offline, its base) with progress in the log. */
export async function ensureSpaceImage(images: ImagesPort, opts: ImageBuildOptions, log: Logger): Promise<"present" | "built"> {
  if (!opts.force && (await images.exists(opts.image))) return "present";
  const dockerDir = opts.dockerDir ?? defaultDockerDir();
  const base = await resolveBase(images, opts.baseImage, dockerDir, log);
  const files = await buildContext(dockerDir, opts.extraCa, log);
  log.info({ image: opts.image, base }, "building the space image (first start takes a few minutes)");
  const started = Date.now();
  await images.build({
    tag: opts.image,
    files,
    buildArgs: { BASE_IMAGE: base },
    labels: { "clawdspace.image": "space", "clawdspace.version": VERSION },
    onProgress: buildProgress(log, opts.image),
  });
  log.info({ image: opts.image, seconds: Math.round((Date.now() - started) / 1000) }, "space image built");
  return "built";
}

export interface AgentImageOptions {
  image: string;
  /** The space image it is built on (built first). */
  spaceImage: string;
  claudeCodeVersion: string;
  force?: boolean;
  noCache?: boolean;
  dockerDir?: string;
}

/** The agent image: the space image with Claude Code from npm (through the operator's CA, already trusted there). */
export async function ensureAgentImage(images: ImagesPort, opts: AgentImageOptions, log: Logger): Promise<"present" | "built"> {
  if (!opts.force && (await images.exists(opts.image))) return "present";
  const dir = join(opts.dockerDir ?? defaultDockerDir(), "agent");
  const file = async (name: string, mode?: number): Promise<BuildContextFile> => ({ path: name, content: await readFile(join(dir, name)), ...(mode ? { mode } : {}) });
  log.info({ image: opts.image, base: opts.spaceImage, claudeCode: opts.claudeCodeVersion }, "building the agent image (Claude Code from npm)");
  const started = Date.now();
  await images.build({
    tag: opts.image,
    files: [await file("Dockerfile"), await file("claude-agent", 0o755), await file("claude-api-key", 0o755), await file("managed-settings.json")],
    buildArgs: { SPACE_IMAGE: opts.spaceImage, CLAUDE_CODE_VERSION: opts.claudeCodeVersion },
    noCache: opts.noCache,
    labels: { "clawdspace.image": "agent", "clawdspace.version": VERSION },
    onProgress: buildProgress(log, opts.image),
  });
  log.info({ image: opts.image, seconds: Math.round((Date.now() - started) / 1000) }, "agent image built");
  return "built";
}

/** The firewall helper's image (iptables on our base), built on first use like the space image. */
export async function ensureHelperImage(
  images: ImagesPort,
  opts: { image: string; baseImage?: string; dockerDir?: string },
  log: Logger,
): Promise<void> {
  if (await images.exists(opts.image)) return;
  const dockerDir = opts.dockerDir ?? defaultDockerDir();
  const base = await resolveBase(images, opts.baseImage, dockerDir, log);
  log.info({ image: opts.image, base }, "building the network policy helper image");
  await images.build({
    tag: opts.image,
    files: [{ path: "Dockerfile", content: await readFile(join(dockerDir, "netpolicy", "Dockerfile")) }],
    buildArgs: { BASE_IMAGE: base },
    labels: { "clawdspace.image": "netpolicy", "clawdspace.version": VERSION },
    onProgress: (line) => log.debug({ image: opts.image }, line),
  });
}

async function resolveBase(images: ImagesPort, explicit: string | undefined, dockerDir: string, log: Logger): Promise<string> {
  if (explicit) {
    if (!(await images.exists(explicit))) await images.pull(explicit, (l) => log.debug(l));
    return explicit;
  }
  if (await images.exists(OFFICIAL_BASE)) return OFFICIAL_BASE;
  if (await images.exists(OFFLINE_BASE)) return OFFLINE_BASE;
  try {
    log.info({ base: OFFICIAL_BASE }, "pulling the base image");
    await withTimeout(images.pull(OFFICIAL_BASE, (l) => log.debug(l)), 120_000);
    return OFFICIAL_BASE;
  } catch (err) {
    log.warn({ err: (err as Error).message }, `cannot pull ${OFFICIAL_BASE}; building a base offline with debootstrap`);
  }
  const script = join(dockerDir, "base", "build-offline-base.sh");
  if (!existsSync(script)) throw new Error(`No base image: pull ${OFFICIAL_BASE} or run docker/base/build-offline-base.sh`);
  await runScript(script, [OFFLINE_BASE], log);
  return OFFLINE_BASE;
}

function runScript(script: string, args: string[], log: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const relay = (buf: Buffer) => {
      for (const line of buf.toString("utf8").split("\n")) if (line.trim()) log.info({ script: basename(script) }, line.trim());
    };
    child.stdout.on("data", relay);
    child.stderr.on("data", relay);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${basename(script)} exited with ${code}`))));
  });
}

export async function buildContext(dockerDir: string, extraCa: string | undefined, log: Logger): Promise<BuildContextFile[]> {
  const files: BuildContextFile[] = [
    { path: "Dockerfile", content: await readFile(join(dockerDir, "space", "Dockerfile")) },
    { path: "extra-ca/.keep", content: Buffer.alloc(0) },
    await agentFile(),
  ];
  const sources = [join(dockerDir, "space", "extra-ca")];
  if (extraCa !== "none") sources.push(extraCa ?? HOST_CA_DIR);
  const seen = new Set<string>();
  for (const source of sources) {
    for (const file of await crtFiles(source)) {
      // update-ca-certificates reads only *.crt; a PEM bundle (ca.pem) is taken under that name.
      const name = basename(file).replace(/\.(pem|cer|crt)$/i, "") + ".crt";
      if (seen.has(name)) continue;
      seen.add(name);
      files.push({ path: `extra-ca/${name}`, content: await readFile(file) });
    }
  }
  if (seen.size) log.info({ certificates: [...seen] }, "extra CA certificates will be trusted in spaces");
  return files;
}

async function agentFile(): Promise<BuildContextFile> {
  const path = defaultAgentBinary();
  const content = await readFile(path).catch(() => {
    throw new Error(`The space agent binary ${path} is missing: run npm run build`);
  });
  // The Dockerfile COPYs it as is: the mode here is the mode in the image.
  return { path: "agent/clawdspace-agent", content, mode: 0o755 };
}

/** *.crt files under a folder (one level of subfolders, as update-ca-certificates reads them) or the file itself. */
async function crtFiles(source: string): Promise<string[]> {
  const info = await stat(source).catch(() => null);
  if (!info) return [];
  if (info.isFile()) return [source];
  const out: string[] = [];
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const full = join(source, entry.name);
    if (entry.isFile() && entry.name.endsWith(".crt")) out.push(full);
    else if (entry.isDirectory()) {
      for (const sub of await readdir(full, { withFileTypes: true })) {
        if (sub.isFile() && sub.name.endsWith(".crt")) out.push(join(full, sub.name));
      }
    }
  }
  return out.sort();
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
