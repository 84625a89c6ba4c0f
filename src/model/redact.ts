/**
 * Secrets in the result: what looks like one (looksSecret, also used by the live source to scrub the
 * responses it keeps), and the result with them replaced by `[REDACTED]` in its free text
 * (redactResult, which scan() applies before any reporter sees the result; redactMaturitySection for
 * `maturity status`). Reporters print what they are given.
 */
import type { CheckResult, MaturitySection } from './result.js';

export const REDACTED = '[REDACTED]';

/** Shorter strings would redact ordinary words; sources never register secrets that short. */
const MIN_SECRET_LENGTH = 4;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The secrets worth redacting: distinct strings of MIN_SECRET_LENGTH or more. */
function secretList(secrets: Iterable<string>): string[] {
  return [...new Set(secrets)].filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
}

/** One pattern for all the strings, longest first, so a secret containing another is removed whole. */
function secretPattern(strings: string[], minLength = MIN_SECRET_LENGTH): RegExp | undefined {
  const list = strings.filter((s) => s.length >= minLength);
  if (list.length === 0) return undefined;
  list.sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  return new RegExp(list.map(escapeRegExp).join('|'), 'g');
}

/** A run of identifier characters in a message: an address (without its instance keys), a file, an ARN, a rule id. */
const IDENTIFIER_RUN = /[\w.\-/:*@+]+/g;

/**
 * Replaces the secrets in one piece of free text, except where a secret lies inside an identifier
 * the text quotes (a resource address, a file, a rule id) that is longer than the secret:
 * identifiers are printed as they are everywhere else in the report, and a value inside them is
 * the name the author chose. An identifier counts only as a whole run of identifier characters,
 * so the check is one pass over the text whatever the number of identifiers.
 */
class Scrubber {
  private keep: Set<string> | null = null;

  constructor(
    private readonly pattern: RegExp,
    private readonly secrets: string[],
    private readonly identifiers: () => Iterable<string>,
  ) {}

  /** The identifiers that hold a secret: worked out once, when a text needs it. */
  private keepSet(): Set<string> {
    // only identifiers longer than the secret: one equal to it would keep it everywhere
    this.keep ??= new Set([...this.identifiers()].filter((id) => this.secrets.some((sec) => id.length > sec.length && id.includes(sec))));
    return this.keep;
  }

  text(s: string): string {
    this.pattern.lastIndex = 0;
    if (!this.pattern.test(s)) return s;
    const keep = this.keepSet();
    const spans: (readonly [number, number])[] = [];
    if (keep.size > 0) {
      for (const m of s.matchAll(IDENTIFIER_RUN)) {
        const run = m[0].replace(/[.:]+$/, ''); // the end of a sentence or a label is not part of it
        if (keep.has(run)) spans.push([m.index, m.index + run.length]);
      }
    }
    return s.replace(this.pattern, (m: string, at: number) => (spans.some(([a, b]) => a <= at && at + m.length <= b) ? m : REDACTED));
  }

  /**
   * A resource address: its type and names are identifiers and stay, but an instance key
   * (`["..."]`, from for_each) is a value and may be a secret.
   */
  address(s: string): string {
    return s.includes('["') ? s.replace(INSTANCE_KEY, (k) => k.replace(this.pattern, REDACTED)) : s;
  }

  /** A value from the input (maturity settings): its strings; keys are setting names and addresses. */
  value(v: unknown): unknown {
    if (typeof v === 'string') return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.address(k), this.value(x)]));
    return v;
  }
}

/** A string instance key of an address: `["a\"b"]`. */
const INSTANCE_KEY = /\["(?:[^"\\]|\\.)*"\]/g;

/** An instance key or a count index of an address: `["a"]`, `[0]`. */
const ADDRESS_INDEX = /\["(?:[^"\\]|\\.)*"\]|\[\d+\]/;

/** The identifiers a result holds: what free text may quote and what is never redacted. */
function identifiersOf(r: CheckResult, more: Iterable<string>): string[] {
  const ids: string[] = [...r.source.inputs.map((i) => i.path), ...Object.keys(r.inventory.by_type)];
  const addresses: string[] = [...more];
  for (const inv of r.invariants) {
    ids.push(inv.id);
    for (const f of inv.findings) {
      addresses.push(f.resource);
      ids.push(f.arn ?? '', f.file ?? '');
    }
    for (const e of inv.examined) {
      addresses.push(e.resource);
      ids.push(e.arn ?? '', e.file ?? '');
    }
  }
  for (const d of r.maturity.deviations) {
    addresses.push(d.resource ?? '');
    ids.push(d.file ?? '');
  }
  for (const d of r.diagnostics) ids.push(d.file ?? '');
  return [...ids.filter((id) => id.length > 0), ...addressParts(addresses)];
}

/** Of each address, the parts between instance keys and indexes: `module.a`, `.aws_lambda_function.f`. */
function addressParts(addresses: Iterable<string>): string[] {
  const parts: string[] = [];
  for (const a of addresses) parts.push(...a.split(ADDRESS_INDEX));
  return parts.filter((id) => id.length > 0);
}

/**
 * The result with every secret (4 characters or longer) replaced by `[REDACTED]` in the fields
 * that carry text from the input: messages, reasons, observed evidence, maturity values,
 * diagnostics, limitations, the command line. Statuses, rule ids, addresses, files, counts,
 * fingerprints, severities and every key of the schema are never touched, so no secret can
 * change a verdict or the gate, whatever its value (`fail`, `SI-6`, part of an address).
 * A copy when there is something to replace, else the result itself; the input is never modified.
 * `identifiers`: further names free text may quote (every resource address of the inventory).
 */
export function redactResult(result: CheckResult, secrets: Iterable<string>, identifiers: Iterable<string> = []): CheckResult {
  const list = secretList(secrets);
  const pattern = secretPattern(list);
  if (!pattern) return result;
  const x = new Scrubber(pattern, list, () => identifiersOf(result, identifiers));
  const t = (s: string): string => x.text(s);
  const a = (s: string): string => x.address(s);
  const m = result.maturity;
  return {
    ...result,
    command_line: t(result.command_line),
    ...(result.approved_by !== undefined ? { approved_by: t(result.approved_by) } : {}),
    invariants: result.invariants.map((inv) => ({
      ...inv,
      ...(inv.reason !== undefined ? { reason: t(inv.reason) } : {}),
      findings: inv.findings.map((f) => ({
        ...f,
        resource: a(f.resource),
        message: t(f.message),
        ...(f.suppression ? { suppression: { ...f.suppression, reason: t(f.suppression.reason) } } : {}),
        ...(f.trace ? { trace: f.trace.map((s) => ({ ...s, what: t(s.what) })) } : {}),
      })),
      examined: inv.examined.map((e) => ({ ...e, resource: a(e.resource), observed: t(e.observed) })),
    })),
    maturity: scrubMaturity(x, m),
    diagnostics: result.diagnostics.map((d) => ({ ...d, message: t(d.message) })),
    limitations: result.limitations.map(t),
    ...(result.config
      ? { config: { ...result.config, weakenings: result.config.weakenings.map((w) => ({ ...w, detail: t(w.detail) })) } }
      : {}),
    ...(result.baseline
      ? {
          baseline: {
            ...result.baseline,
            absent: result.baseline.absent.map((b) => ({ ...b, resource: a(b.resource), message: t(b.message) })),
          },
        }
      : {}),
  };
}

function scrubMaturity(x: Scrubber, m: MaturitySection): MaturitySection {
  const t = (s: string): string => x.text(s);
  const a = (s: string): string => x.address(s);
  return {
    ...m,
    ...(m.reason !== undefined ? { reason: t(m.reason) } : {}),
    ...(m.actual !== undefined ? { actual: x.value(m.actual) as Record<string, unknown> } : {}),
    ...(m.declared_at?.resource !== undefined ? { declared_at: { ...m.declared_at, resource: a(m.declared_at.resource) } } : {}),
    deviations: m.deviations.map((d) => ({
      ...d,
      actual: x.value(d.actual),
      ...(d.resource !== undefined ? { resource: a(d.resource) } : {}),
    })),
  };
}

/** `maturity status`'s section, redacted as the same section is inside a check result. */
export function redactMaturitySection(
  section: MaturitySection,
  secrets: Iterable<string>,
  addresses: Iterable<string> = [],
): MaturitySection {
  const list = secretList(secrets);
  const pattern = secretPattern(list);
  if (!pattern) return section;
  return scrubMaturity(new Scrubber(pattern, list, () => addressParts(addresses)), section);
}

/** `clientSecret`, `client-secret` and `CLIENT_SECRET` all become `CLIENT_SECRET`. */
function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

const SECRET_NAME =
  /(SECRET|TOKEN|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|SIGNING_?KEY|HMAC_?KEY|AUTH_?KEY)/;
/**
 * Names that point at a secret rather than hold one (`WEBHOOK_SECRET_ARN`, `TOKEN_TTL`): their
 * values are evidence the rules need (SI-9, SI-13) and are not sensitive.
 */
const REFERENCE_WORD =
  /(^|_)(ARNS?|NAMES?|IDS?|PREFIX|HEADER|PATH|PARAM|PARAMETER|TTL|SECONDS|MINUTES|DAYS|REGION|VERSION|ENABLED|FILE|ENDPOINT|TYPE|ROTATION|POLICY|ALGORITHM|COUNT|TABLE|QUEUE|BUCKET|URL)(_|$)/;

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
