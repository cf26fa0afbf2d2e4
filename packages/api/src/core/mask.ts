/**
 * Secret masking for everything we keep or print about a request: audit events and log lines.
 * It errs on the side of masking: a harmless `keyboard=us` losing its value costs nothing,
 * a token kept in the audit log costs a credential.
 */

export const MASK = "[MASKED]";

/** Names whose value is a secret, wherever they appear as NAME=value, --name value or NAME: value. */
const SECRET_WORD = "(?:token|secret|password|passwd|key|credential|auth|cookie|session)";
const NAME = `[A-Za-z0-9_.-]*${SECRET_WORD}[A-Za-z0-9_.-]*`;
/** A shell word: quoted, or up to the next blank or shell operator. */
const VALUE = `(?:"(?:[^"\\\\]|\\\\.)*"|'[^']*'|[^\\s;&|)'"]+)`;

const SECRET_NAME_RE = new RegExp(`^-{0,2}${NAME}$`, "i");

/** Token formats recognisable on their own, whatever surrounds them. */
const TOKEN_PATTERNS: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{10,}/g, // GitHub classic tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g, // GitHub fine-grained tokens
  /\bsk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{16,}/g, // OpenAI, Anthropic, Stripe-style keys
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAIza[0-9A-Za-z_-]{30,}/g, // Google API keys
  /\bglpat-[A-Za-z0-9_-]{16,}/g, // GitLab
  /\bnpm_[A-Za-z0-9]{30,}/g, // npm
  /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/g, // Vault service, batch and recovery tokens
  /\bcs_[A-Za-z0-9_-]{32,}/g, // our own API keys
  /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, // JWTs
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

const CONTEXT_PATTERNS: Array<[RegExp, string]> = [
  // Authorization schemes: the credential follows the scheme word.
  [/\b(Bearer|Basic|Token|Digest)(\s+)[A-Za-z0-9._~+/=:-]{4,}/gi, `$1$2${MASK}`],
  // URL userinfo: https://user:pass@host keeps the user, loses the password.
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*):([^/\s@]+)@/gi, `$1$2:${MASK}@`],
  // Password flags glued to their value or given as the next word: mysql -pSECRET, sshpass -p SECRET.
  [/(^|\s)((?:mysql|mysqldump|mariadb|mysqladmin)\b[^\n;&|]*?\s-p)(?!\s)(\S+)/gi, `$1$2${MASK}`],
  [/(^|\s)(sshpass\s+(?:-\w+\s+)*-p)(\s*)(\S+)/gi, `$1$2$3${MASK}`],
  // curl -u user:password / --user user:password keeps the user.
  [/(^|\s)(-u|--user)(\s+|=)(["']?)([^\s:"']+):([^\s"']+)/g, `$1$2$3$4$5:${MASK}`],
  // aws configure set aws_secret_access_key SECRET (and the session token)
  [/\b(aws\s+configure\s+set\s+(?:\S+\.)?(?:aws_secret_access_key|aws_session_token))(\s+)(\S+)/gi, `$1$2${MASK}`],
  // NAME=value and --name=value
  [new RegExp(`(^|[^A-Za-z0-9_.-])(-{0,2}${NAME})=${VALUE}`, "gi"), `$1$2=${MASK}`],
  // --name value (a flag whose value is the next word)
  [new RegExp(`(^|\\s)(--?${NAME})(\\s+)(?!-)${VALUE}`, "gi"), `$1$2$3${MASK}`],
  // NAME: value, "name": "value" (headers, YAML, JSON)
  [new RegExp(`(^|[^A-Za-z0-9_.-])(["']?${NAME}["']?)(\\s*:\\s*)(?!\\s)${VALUE}`, "gi"), `$1$2$3${MASK}`],
];

/** Masks every secret we can recognise in one string. */
export function maskString(s: string): string {
  if (s.length === 0) return s;
  let out = s;
  for (const re of TOKEN_PATTERNS) out = out.replace(re, MASK);
  for (const [re, to] of CONTEXT_PATTERNS) out = out.replace(re, to);
  return out;
}

/** True for names (env variables, object keys, flags) whose values are secrets. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME_RE.test(name);
}

/**
 * Masks an argv: each word as a string, and the word after a secret flag (`--token abc`),
 * which no single-string rule can see.
 */
export function maskArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const prev = argv[i - 1];
    const afterSecretFlag = prev !== undefined && /^--?[A-Za-z]/.test(prev) && !prev.includes("=") && isSecretName(prev) && !word.startsWith("-");
    out.push(afterSecretFlag ? MASK : maskString(word));
  }
  return out;
}

/**
 * Masks every string inside a value, recursively: arrays of strings as argv, and the values
 * of object keys named like secrets (`{password: "x"}`) wholesale. Returns a new value.
 */
export function maskDeep<T>(value: T, depth = 0): T {
  if (typeof value === "string") return maskString(value) as T;
  if (depth > 16 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) return maskArgv(value as string[]) as T;
    return value.map((v) => maskDeep(v, depth + 1)) as T;
  }
  if (value instanceof Error) {
    const copy = new Error(maskString(value.message));
    copy.name = value.name;
    if (value.stack) copy.stack = maskString(value.stack);
    for (const [k, v] of Object.entries(value)) (copy as unknown as Record<string, unknown>)[k] = maskDeep(v, depth + 1);
    return copy as T;
  }
  if (Buffer.isBuffer(value) || value instanceof Date) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = typeof v === "string" && v.length > 0 && isSecretName(k) && !SAFE_KEYS.has(k) ? MASK : maskDeep(v, depth + 1);
  }
  return out as T;
}

/** Keys of our own that look secret by name but hold nothing secret. */
const SAFE_KEYS = new Set(["requestId", "reqId", "sessionId", "session", "keyName", "actor"]);
