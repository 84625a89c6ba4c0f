import type { Resource } from '../model/inventory.js';
import { globMatch } from '../policy/match.js';
import { dict } from '../model/dict.js';

/**
 * Suppressions: inline `# ztait:ignore SI-6 reason="..." expires=2027-03-31` comments inside or just
 * above a resource block, and `.ztait.yaml` entries `{id, resource, reason, expires}`. A suppression
 * without a reason, or past its expiry date, does not suppress and is reported.
 */

export interface SuppressionRule {
  ids: string[];
  reason?: string;
  expires?: string;
  kind: 'inSource' | 'external';
  /** Resource address or ARN glob (config suppressions); inline ones apply to their own block. */
  resource?: string;
  file?: string;
  line?: number;
}

export interface SuppressionProblem {
  message: string;
  file?: string;
  line?: number;
}

const INLINE = /ztait:ignore\s+([A-Za-z0-9_,\s-]+?)(?=\s+\w+=|\s*$)(.*)$/;

/** Parses `ztait:ignore SI-6,SI-7 reason="..." expires=YYYY-MM-DD` out of one comment line. */
export function parseInlineSuppression(text: string, file?: string, line?: number): SuppressionRule | undefined {
  const m = INLINE.exec(text.trim());
  if (!m) return undefined;
  const ids = (m[1] ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(normalizeRuleId);
  const attrs = parseAttrs(m[2] ?? '');
  return {
    ids,
    kind: 'inSource',
    ...(attrs.reason !== undefined && attrs.reason.trim() !== '' ? { reason: attrs.reason } : {}),
    ...(attrs.expires ? { expires: attrs.expires } : {}),
    ...(file ? { file } : {}),
    ...(line ? { line } : {}),
  };
}

function parseAttrs(s: string): Record<string, string> {
  const out: Record<string, string> = dict(); // `__proto__=x` in a comment is just an unknown attribute
  const re = /(\w+)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out[m[1]!] = (m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : undefined) ?? m[3] ?? m[4] ?? '';
  }
  return out;
}

/** `si-06`, `SI-6`, `SI-06` all name SI-6; other ids are upper-cased. */
export function normalizeRuleId(id: string): string {
  const m = /^si-?0*(\d+)$/i.exec(id.trim());
  return m ? `SI-${m[1]}` : id.trim().toUpperCase();
}

export function inlineSuppressions(r: Resource): SuppressionRule[] {
  const out: SuppressionRule[] = [];
  for (const c of r.comments ?? []) {
    const s = parseInlineSuppression(c.text, r.location?.file, c.line);
    if (s) out.push(s);
  }
  return out;
}

/** Is the suppression in force on `today` (YYYY-MM-DD, UTC)? An unparseable date is treated as expired. */
export function isExpired(s: SuppressionRule, today: string): boolean {
  if (!s.expires) return false;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s.expires) || Number.isNaN(Date.parse(s.expires))) return true;
  return s.expires < today;
}

/**
 * The suppression that waives rule `ruleId` on resource `r`, if any, and the problems found on the way
 * (missing reason, expired) so they can be reported instead of silently ignored.
 */
export function findSuppression(
  ruleId: string,
  r: Resource,
  external: readonly SuppressionRule[],
  today: string,
): { applied?: SuppressionRule; problems: SuppressionProblem[] } {
  const problems: SuppressionProblem[] = [];
  const candidates = [
    ...inlineSuppressions(r),
    ...external.filter((s) => s.resource !== undefined && matchesResource(s.resource, r)),
  ].filter((s) => s.ids.includes(ruleId) || s.ids.includes('ALL'));
  // (the file and line go with the problem, not into its message: every report prints them once)
  for (const s of candidates) {
    if (!s.reason) {
      problems.push({ message: `suppression of ${ruleId} on ${r.address} has no reason="..."; it is ignored`, ...loc(s) });
      continue;
    }
    if (isExpired(s, today)) {
      problems.push({
        message: `suppression of ${ruleId} on ${r.address} expired on ${s.expires}; it no longer applies`,
        ...loc(s),
      });
      continue;
    }
    return { applied: s, problems };
  }
  return { problems };
}

function loc(s: SuppressionRule): { file?: string; line?: number } {
  return { ...(s.file ? { file: s.file } : {}), ...(s.line ? { line: s.line } : {}) };
}

function matchesResource(pattern: string, r: Resource): boolean {
  return [r.address, r.arn ?? ''].some((v) => v !== '' && globMatch(pattern, v));
}
