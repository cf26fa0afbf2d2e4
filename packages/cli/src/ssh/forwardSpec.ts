import { usageError } from "../errors.js";

/** LOCAL[:REMOTE] (kubectl port-forward's words): REMOTE defaults to LOCAL; LOCAL 0 picks a free port. */
export function parseForwardSpec(spec: string): { local: number; remote: number } {
  const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(spec);
  const local = m ? Number(m[1]) : NaN;
  const remote = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || local > 65535 || remote < 1 || remote > 65535) {
    throw usageError(`"${spec}" is not LOCAL[:REMOTE] (ports 1-65535; LOCAL 0 picks a free one, then give REMOTE)`);
  }
  return { local, remote };
}
