import { ClawdspaceApiError } from "@clawdspace/shared/client";

export interface FieldErrors<F extends string> {
  byField: Partial<Record<F, string>>;
  general: string | null;
}

/**
 * Puts each server validation issue under the field it names (a path of "env.0" belongs to env);
 * issues of no field, and errors without issues, go above the form. `byCode` sends an error code
 * (SPACE_EXISTS) to a field.
 */
export function fieldErrors<F extends string>(err: unknown, fields: readonly F[], byCode: Partial<Record<string, F>> = {}): FieldErrors<F> {
  if (!err) return { byField: {}, general: null };
  if (!(err instanceof ClawdspaceApiError)) return { byField: {}, general: String((err as Error).message ?? err) };
  const byField: Partial<Record<F, string>> = {};
  const rest: string[] = [];
  for (const i of err.issues) {
    const f = fields.find((x) => i.path === x || i.path.startsWith(`${x}.`));
    if (f && !byField[f]) byField[f] = i.message;
    else rest.push(i.message);
  }
  if (!err.issues.length) {
    const f = byCode[err.code];
    if (f) byField[f] = err.message;
    else rest.push(err.message);
  }
  return { byField, general: rest.length ? rest.join("; ") : null };
}
