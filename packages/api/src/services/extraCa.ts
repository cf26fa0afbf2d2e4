import { statSync } from "node:fs";
import type { BindMount } from "../runtime/types.js";

/** A folder update-ca-certificates reads (subfolders of /usr/local/share/ca-certificates count). */
export const EXTRA_CA_DIR = "/usr/local/share/ca-certificates/clawdspace-operator";

/**
 * The operator's CA setting as a read-only mount: a PEM bundle becomes one .crt file
 * (update-ca-certificates appends all its certificates to the system bundle), a folder is mounted whole.
 * Unset, "none" or missing means no mount.
 */
export function extraCaMount(path: string | undefined): BindMount | undefined {
  if (!path || path === "none") return undefined;
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return undefined;
  return { source: path, target: info.isDirectory() ? EXTRA_CA_DIR : `${EXTRA_CA_DIR}/operator-ca.crt`, readOnly: true };
}
