import { ClawdspaceClient } from "@clawdspace/shared/client";
import { nodeFetch } from "./http/nodeFetch.js";
import { resolveSettings, tightenedNotice, type Settings } from "./config.js";
import { colourEnabled } from "./output.js";

export interface GlobalOptions {
  url?: string;
  key?: string;
  json?: boolean;
}

/** What every command gets: a client that speaks the contract, and how to print. */
export interface Context {
  client: ClawdspaceClient;
  settings: Settings;
  json: boolean;
  /** colour on stdout */
  colour: boolean;
  /** colour on stderr (messages, progress) */
  colourErr: boolean;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

export function createContext(opts: GlobalOptions): Context {
  const settings = resolveSettings({ url: opts.url, key: opts.key });
  if (settings.tightened) {
    process.stderr.write(tightenedNotice(settings.configPath));
  }
  return {
    client: new ClawdspaceClient({ baseUrl: settings.url, key: settings.key, fetch: nodeFetch }),
    settings,
    json: Boolean(opts.json),
    colour: colourEnabled(process.stdout),
    colourErr: colourEnabled(process.stderr),
    out: process.stdout,
    err: process.stderr,
  };
}
