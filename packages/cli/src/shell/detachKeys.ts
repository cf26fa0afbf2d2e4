import { usageError } from "../errors.js";

/**
 * Parses docker-style detach keys ("ctrl-]", "ctrl-p,ctrl-q", "ctrl-a,d") into the bytes a
 * terminal sends for them.
 */
export function parseDetachKeys(spec: string): number[] {
  const keys = spec.split(",").map((k) => k.trim().toLowerCase());
  if (keys.length === 0 || keys.some((k) => k === "")) throw usageError(`--detach-keys "${spec}" is empty`);
  return keys.map((k) => {
    const ctrl = /^ctrl-(.)$/.exec(k);
    if (ctrl) {
      const c = ctrl[1]!.toUpperCase().charCodeAt(0);
      // ctrl-@ .. ctrl-_ map to 0..31, as a terminal sends them
      if (c >= 0x40 && c <= 0x5f) return c - 0x40;
      throw usageError(`--detach-keys: "${k}" is not a control key (ctrl-a..ctrl-z, ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_)`);
    }
    if (k.length === 1 && k.charCodeAt(0) >= 0x20 && k.charCodeAt(0) < 0x7f) return k.charCodeAt(0);
    throw usageError(`--detach-keys: "${k}" is not a key; use e.g. "ctrl-]" or "ctrl-p,ctrl-q"`);
  });
}

/**
 * Watches keystrokes for the detach sequence. Bytes that might start the sequence are held
 * back, and sent on if the sequence does not complete, so typing is never lost or reordered.
 */
export class DetachMatcher {
  private matched = 0;

  constructor(private readonly seq: number[]) {}

  /** Returns what to forward, and whether the sequence completed (anything after it is dropped). */
  feed(chunk: Buffer): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.seq[this.matched]) {
        this.matched++;
        if (this.matched === this.seq.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      // A mismatch: the held-back prefix was typing after all.
      out.push(...this.seq.slice(0, this.matched));
      this.matched = 0;
      if (byte === this.seq[0]) {
        this.matched = 1;
        if (this.seq.length === 1) return { forward: Buffer.from(out), detach: true };
      } else out.push(byte);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
