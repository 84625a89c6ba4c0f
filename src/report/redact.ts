import type { CheckResult } from '../model/result.js';

export const REDACTED = '[REDACTED]';

/** Shorter strings would redact ordinary words; sources never register secrets that short. */
const MIN_SECRET_LENGTH = 4;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One pattern for all secrets, longest first, so a secret containing another is removed whole. */
function secretPattern(secrets: Iterable<string>): RegExp | undefined {
  const list = [...new Set(secrets)].filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  if (list.length === 0) return undefined;
  list.sort((a, b) => b.length - a.length || a.localeCompare(b));
  return new RegExp(list.map(escapeRegExp).join('|'), 'g');
}

function scrub(value: unknown, pattern: RegExp): unknown {
  if (typeof value === 'string') return value.replace(pattern, REDACTED);
  if (Array.isArray(value)) return value.map((v) => scrub(v, pattern));
  if (value !== null && typeof value === 'object') {
    // Keys too: a record keyed by a value (maturity settings, by_type) must not leak either.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(pattern, REDACTED), scrub(v, pattern)]));
  }
  return value;
}

/**
 * The result with every occurrence of every secret (4 characters or longer) in any string, and in
 * any object key, replaced by `[REDACTED]`: a copy when there is something to replace, else the
 * result itself. The input is never modified.
 */
export function redactResult(result: CheckResult, secrets: Iterable<string>): CheckResult {
  const pattern = secretPattern(secrets);
  return pattern ? (scrub(result, pattern) as CheckResult) : result;
}

/** `clientSecret`, `client-secret` and `CLIENT_SECRET` all become `CLIENT_SECRET`. */
function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|SIGNING_?KEY|HMAC_?KEY|AUTH_?KEY)/;
/**
 * Names that point at a secret rather than hold one (`WEBHOOK_SECRET_ARN`, `TOKEN_TTL`): their
 * values are evidence the rules need (SI-9, SI-13) and are not sensitive.
 */
const REFERENCE_WORD = /(^|_)(ARNS?|NAMES?|IDS?|PREFIX|HEADER|PATH|PARAM|PARAMETER|TTL|SECONDS|MINUTES|DAYS|REGION|VERSION|ENABLED|FILE|ENDPOINT|TYPE|ROTATION|POLICY|ALGORITHM|COUNT|TABLE|QUEUE|BUCKET|URL)(_|$)/;

const SECRET_VALUE_PATTERNS: RegExp[] = [
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, // AWS access key id
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{22,}/,
  /\bxox[baprs]-[A-Za-z0-9-]{10,}/, // Slack tokens
  /hooks\.slack\.com\/services\/[A-Za-z0-9/]+/, // Slack webhook URLs carry their secret
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // JWT
  /\bsk-[A-Za-z0-9_-]{20,}/, // API keys in the sk-... style
];

/** The shortest text SECRET_VALUE_PATTERNS match (`xox?-` and 10 more); looksRandom wants 32. */
const MIN_TOKEN_LENGTH = 15;

/** The patterns as one alternation: one scan of each value instead of eight. */
const SECRET_VALUE = new RegExp(SECRET_VALUE_PATTERNS.map((p) => `(?:${p.source})`).join('|'));

/** Not secrets whatever their name: references, placeholders, flags and numbers. */
function isBenign(value: string): boolean {
  const v = value.trim();
  return (
    v.length < MIN_SECRET_LENGTH ||
    v.startsWith('arn:') ||
    /^\$\{.*\}$/s.test(v) || // an unresolved Terraform reference
    /^(true|false|null|none|changeme|redacted|\[REDACTED\])$/i.test(v) ||
    /^-?\d+(\.\d+)?$/.test(v) ||
    /^(\/[\w.-]+)+\/?$/.test(v) // an SSM parameter name or a path
  );
}

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * A 32+ character token (no spaces) that looks random: hex or base64-like keys and passwords.
 * Lower-case names with digits (`ztait-cloudtrail-111122223333-us-east-1`,
 * `com.amazonaws.us-east-1.dynamodb`) are identifiers, not keys: a mixed-case token is required
 * unless it is pure hex.
 */
function looksRandom(value: string): boolean {
  const v = value.trim();
  if (v.length < 32 || !/^[A-Za-z0-9+/=_.~-]+$/.test(v)) return false;
  if (/^[0-9a-f]+$/i.test(v)) return entropy(v) >= 3.0; // hex keys
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((r) => r.test(v)).length;
  return classes >= 3 && entropy(v) >= 3.5;
}

/**
 * Whether a name/value pair (a Lambda environment variable, a resource attribute, a tfvars entry)
 * holds a secret: a secret-looking name with a real value, or a value shaped like a known token
 * or a random key whatever its name. ARNs and other references are never secrets.
 */
export function looksSecret(name: string, value: string): boolean {
  if (typeof value !== 'string') return false;
  // Most values are short: too short for any token pattern or a random key, so only the name counts.
  if (value.length < MIN_TOKEN_LENGTH && !nameSaysSecret(name)) return false;
  if (isBenign(value)) return false;
  if (SECRET_VALUE.test(value)) return true;
  if (nameSaysSecret(name)) return true;
  return looksRandom(value);
}

/** Names repeat (every resource has its `name`, `tags`...): each is classified once. */
const NAME_SAYS_SECRET = new Map<string, boolean>();

function nameSaysSecret(name: string): boolean {
  let hit = NAME_SAYS_SECRET.get(name);
  if (hit === undefined) {
    const n = normalizeName(name);
    hit = SECRET_NAME.test(n) && !REFERENCE_WORD.test(n);
    if (NAME_SAYS_SECRET.size < 100_000) NAME_SAYS_SECRET.set(name, hit);
  }
  return hit;
}
