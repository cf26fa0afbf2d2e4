import { ClawdspaceClient } from "@clawdspace/shared/client";
import { nodeFetch } from "../http/nodeFetch.js";
import { normalizeUrl, writeConfigFile } from "../config.js";
import type { Context } from "../context.js";
import { toCliError, usageError } from "../errors.js";
import { printJson } from "../output.js";

/** Reads the key without echoing it on a terminal, or one line from a pipe. */
async function readKey(): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0]!.trim();
  }
  process.stderr.write("API key: ");
  stdin.setRawMode(true);
  stdin.resume();
  let key = "";
  try {
    for await (const chunk of stdin) {
      for (const ch of (chunk as Buffer).toString("utf8")) {
        if (ch === "\r" || ch === "\n") return key.trim();
        if (ch === "\u0003") throw usageError("cancelled");
        if (ch === "\u007f" || ch === "\b") key = key.slice(0, -1);
        else key += ch;
      }
    }
    return key.trim();
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write("\n");
  }
}

const mask = (key: string | undefined) => (key ? `${"*".repeat(Math.min(8, Math.max(0, key.length - 4)))}${key.slice(-4)}` : "(none)");

export async function run(ctx: Context, [url, key]: string[], opts: { check?: boolean }): Promise<void> {
  const s = ctx.settings;
  if (!url) {
    if (ctx.json) return printJson({ url: s.url, urlSource: s.urlSource, keySet: Boolean(s.key), keySource: s.keySource, configPath: s.configPath });
    ctx.out.write(`url  ${s.url} (${s.urlSource})\nkey  ${mask(s.key)} (${s.keySource})\nfile ${s.configPath}\n`);
    return;
  }
  const normalized = normalizeUrl(url);
  const theKey = key === undefined || key === "-" ? await readKey() : key;
  if (!theKey) throw usageError("no key given");
  writeConfigFile({ url: normalized, key: theKey }, s.configPath);

  let version: string | undefined;
  let problem: ReturnType<typeof toCliError> | undefined;
  if (opts.check !== false) {
    const client = new ClawdspaceClient({ baseUrl: normalized, key: theKey, fetch: nodeFetch });
    try {
      version = (await client.health()).version;
      await client.capabilities(); // needs the key: proves it is accepted
    } catch (e) {
      problem = toCliError(e, normalized);
    }
  }
  if (ctx.json) printJson({ saved: s.configPath, url: normalized, checked: opts.check !== false, ok: !problem, serverVersion: version ?? null });
  else ctx.out.write(`saved ${normalized} and the key to ${s.configPath} (mode 0600)${version && !problem ? `; server ${version} accepted the key` : ""}\n`);
  if (problem) throw problem;
}
