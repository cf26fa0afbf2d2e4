import { statSync } from "node:fs";
import type { BindMount } from "../engine/ports/containers.js";

/** A folder update-ca-certificates reads (subfolders of /usr/local/share/ca-certificates count). */
export const EXTRA_CA_DIR = "/usr/local/share/ca-certificates/clawdspace-operator";

/**
 * The operator's CA setting as a read-only mount: a PEM bundle becomes one .crt file
 * (update-ca-certificates appends all its certificates to the system bundle), a folder is mounted whole.
 * Unset or "none" means no mount; a path that does not exist is a start-up error, not a silent gap in trust.
 */
export function extraCaMount(path: string | undefined): BindMount | undefined {
  if (!path || path === "none") return undefined;
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) throw new Error(`CLAWDSPACE_EXTRA_CA: "${path}" does not exist (a PEM bundle, a folder of .crt files, or "none")`);
  return { source: path, target: info.isDirectory() ? EXTRA_CA_DIR : `${EXTRA_CA_DIR}/operator-ca.crt`, readOnly: true };
}
