import { once } from "node:events";

/** Colour only for a person at a terminal: never in pipes, with NO_COLOR, or on a dumb terminal. */
export function colourEnabled(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

const sgr = (open: number, close: number) => (on: boolean) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
export const paint = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};

export function stateColour(state: string, on: boolean): string {
  if (state === "running" || state === "online") return paint.green(on)(state);
  if (state === "paused" || state === "sleeping") return paint.yellow(on)(state);
  if (state === "stopped" || state === "hibernated" || state === "offline") return paint.dim(on)(state);
  return state;
}

/** A task's or an agent run's state: green done, cyan working, red failed, yellow stopped short. */
export function taskStateColour(state: string, on: boolean): string {
  if (state === "succeeded") return paint.green(on)(state);
  if (state === "running") return paint.cyan(on)(state);
  if (state === "failed" || state === "timed-out") return paint.red(on)(state);
  return paint.yellow(on)(state);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const visibleLength = (s: string) => s.replace(ANSI, "").length;

/** Plain aligned columns with a header, as `docker ps` prints them. */
export function table(headers: string[], rows: string[][], colour: boolean): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat(widths[i]! - visibleLength(c))))
      .join("   ")
      .trimEnd();
  return [paint.bold(colour)(line(headers)), ...rows.map(line)].join("\n") + "\n";
}

/** Writes JSON for scripts: one document, pretty on a terminal and compact in a pipe. */
export function printJson(value: unknown, out: NodeJS.WriteStream = process.stdout): void {
  out.write(`${JSON.stringify(value, null, out.isTTY ? 2 : undefined)}\n`);
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v >= 10 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, "")} ${units[i]}`;
}

/** "3m ago", "in 2h": short relative times for tables. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "-";
  const diff = Math.round((t - now) / 1000);
  const abs = Math.abs(diff);
  const span = abs < 60 ? `${abs}s` : abs < 3600 ? `${Math.floor(abs / 60)}m` : abs < 86400 ? `${Math.floor(abs / 3600)}h` : `${Math.floor(abs / 86400)}d`;
  return diff <= 0 ? `${span} ago` : `in ${span}`;
}

/** Parses "90s", "15m", "1h", "2d", "500ms" or a bare number of seconds into milliseconds. */
export function parseDuration(v: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(v);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase();
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]!;
  return Math.round(n * factor);
}

/**
 * Text that came from inside a space, made safe for a terminal: control characters (ESC, OSC 52
 * clipboard writes, BEL, CR overprinting, C1 codes) are shown as escapes instead of acted on.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}

/** As `printable`, for text meant to span lines (an agent's answer): newlines and tabs stay as they are. */
export function printableText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\r\n/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => printable(c));
}

/** Writes and waits while the reader is behind, so a fast stream never piles up in our memory. */
export async function write(stream: NodeJS.WritableStream, data: string): Promise<void> {
  if (!stream.write(data)) await once(stream, "drain");
}
