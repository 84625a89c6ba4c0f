import { POLICY_IDS } from './policy.js';
import { compileSafePattern, matchWithBudget, DEFAULT_MATCH_BUDGET_MS } from './safe-regex.js';

/**
 * Suppression rules (policies table, item `policy_id = "suppression-rules"`, attribute `rules`):
 *   { rule_id, enabled?, source_pattern?, title_pattern?, window?: { start: "HH:MM", end: "HH:MM" },
 *     starts_at?: RFC 3339, expires_at?: RFC 3339 }
 * A rule suppresses an alert when every pattern it has matches (source and title, case-insensitive),
 * the time is inside its daily UTC window (start inclusive, end exclusive, wrapping midnight when
 * end < start), at or after starts_at and before expires_at. A rule that cannot be read (unsafe or
 * invalid pattern, bad window or date, no pattern at all) is rejected at load and never applied:
 * a broken rule must not drop alerts.
 */

export const SUPPRESSION_POLICY_ID = POLICY_IDS.suppression;

export interface SuppressionRule {
  ruleId: string;
  source?: RegExp;
  title?: RegExp;
  /** Minutes after midnight UTC. */
  window?: { start: number; end: number };
  startsAt?: number;
  expiresAt?: number;
}

export interface RejectedRule {
  ruleId: string;
  reason: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const RULE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function minutes(v: unknown, what: string): number {
  const m = typeof v === 'string' ? HHMM.exec(v) : null;
  if (!m) throw new Error(`${what} must be "HH:MM" (UTC)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function instant(v: unknown, what: string): number {
  const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw new Error(`${what} must be an RFC 3339 date-time`);
  return t;
}

function parseRule(raw: unknown): SuppressionRule {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('rule is not an object');
  const r = raw as Record<string, unknown>;
  const rule: SuppressionRule = { ruleId: String(r.rule_id) };
  for (const [key, field] of [
    ['source_pattern', 'source'],
    ['title_pattern', 'title'],
  ] as const) {
    if (r[key] === undefined) continue;
    if (typeof r[key] !== 'string') throw new Error(`${key} must be a string`);
    try {
      rule[field] = compileSafePattern(r[key]);
    } catch (e) {
      throw new Error(`${key} rejected: ${(e as Error).message}`);
    }
  }
  if (!rule.source && !rule.title) throw new Error('a rule needs source_pattern or title_pattern');
  if (r.window !== undefined) {
    const w = r.window as Record<string, unknown> | null;
    if (w === null || typeof w !== 'object') throw new Error('window must be an object');
    const window = { start: minutes(w.start, 'window.start'), end: minutes(w.end, 'window.end') };
    if (window.start === window.end) throw new Error('window.start equals window.end');
    rule.window = window;
  }
  if (r.starts_at !== undefined) rule.startsAt = instant(r.starts_at, 'starts_at');
  if (r.expires_at !== undefined) rule.expiresAt = instant(r.expires_at, 'expires_at');
  return rule;
}

/** Reads the rule list; disabled rules are skipped, unreadable ones reported with their id. */
export function parseSuppressionRules(rules: unknown): { rules: SuppressionRule[]; rejected: RejectedRule[] } {
  const out: SuppressionRule[] = [];
  const rejected: RejectedRule[] = [];
  if (rules === undefined) return { rules: out, rejected };
  if (!Array.isArray(rules)) return { rules: out, rejected: [{ ruleId: '*', reason: 'rules is not a list' }] };
  const seen = new Set<string>();
  for (const raw of rules) {
    const id = (raw as { rule_id?: unknown } | null)?.rule_id;
    if (typeof id !== 'string' || !RULE_ID.test(id) || seen.has(id)) {
      rejected.push({ ruleId: typeof id === 'string' ? id.slice(0, 64) : '?', reason: 'rule_id missing, malformed or repeated' });
      continue;
    }
    seen.add(id);
    if ((raw as { enabled?: unknown }).enabled === false) continue;
    try {
      out.push(parseRule(raw));
    } catch (e) {
      rejected.push({ ruleId: id, reason: (e as Error).message });
    }
  }
  return { rules: out, rejected };
}

/** Whether the rule is in force at `nowMs` (window, start and expiry). */
export function ruleActive(rule: SuppressionRule, nowMs: number): boolean {
  if (rule.startsAt !== undefined && nowMs < rule.startsAt) return false;
  if (rule.expiresAt !== undefined && nowMs >= rule.expiresAt) return false;
  if (rule.window) {
    const d = new Date(nowMs);
    const m = d.getUTCHours() * 60 + d.getUTCMinutes();
    const { start, end } = rule.window;
    const inside = start < end ? m >= start && m < end : m >= start || m < end;
    if (!inside) return false;
  }
  return true;
}

export interface SuppressionMatch {
  /** The first rule (in list order) that suppresses the alert, if any. */
  ruleId?: string;
  /** Rules whose match ran out of time budget: treated as not matching, reported for the operators. */
  timedOut: string[];
}

export function findSuppression(
  rules: readonly SuppressionRule[],
  alert: { source: string; title: string },
  nowMs: number,
  budgetMs: number = DEFAULT_MATCH_BUDGET_MS,
): SuppressionMatch {
  const timedOut: string[] = [];
  for (const rule of rules) {
    if (!ruleActive(rule, nowMs)) continue;
    let all = true;
    for (const [re, text] of [
      [rule.source, alert.source],
      [rule.title, alert.title],
    ] as const) {
      if (!re) continue;
      const m = matchWithBudget(re, text, budgetMs);
      if (m === 'timeout') timedOut.push(rule.ruleId);
      if (m !== true) {
        all = false;
        break;
      }
    }
    if (all) return { ruleId: rule.ruleId, timedOut };
  }
  return { timedOut };
}
