const UNIT: Record<string, number> = {
  "": 1024 ** 2, // a bare number means MiB, as Clawdspace's CLI has it
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

const MEMORY_RE = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i;

/**
 * Parses "512m", "2g", "1.5g", "2GiB" or a bare number of MiB into bytes.
 * Returns null for anything else so callers can answer a 400 instead of guessing.
 */
export function parseMemory(value: string | number): number | null {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0) return null;
    return Math.round(value * UNIT[""]!);
  }
  const m = MEMORY_RE.exec(value);
  if (!m) return null;
  const unit = (m[2] ?? "").toLowerCase();
  // "512b" would silently mean bytes: refuse rather than guess.
  if (unit === "" && /b\s*$/i.test(value)) return null;
  const n = Number(m[1]);
  if (!Number.isFinite(n) || n <= 0) return null;
  return Math.round(n * UNIT[unit]!);
}

/** "15.5 GB" style, as Clawdspace prints host figures (binary multiples). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
