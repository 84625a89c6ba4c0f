import { describe, expect, it } from 'vitest';
import { compileSafePattern, matchWithBudget, MAX_MATCH_INPUT, unsafeReason } from '../src/shared/safe-regex.js';
import { findSuppression, parseSuppressionRules, ruleActive } from '../src/shared/suppression.js';

const at = (iso: string): number => Date.parse(iso);

describe('suppression rule windows and expiry', () => {
  const { rules, rejected } = parseSuppressionRules([
    { rule_id: 'maint', source_pattern: '^datadog$', title_pattern: 'disk', window: { start: '02:00', end: '04:00' } },
    { rule_id: 'night', title_pattern: 'batch', window: { start: '22:00', end: '01:30' } },
    { rule_id: 'temp', title_pattern: 'flapping', starts_at: '2025-06-01T10:00:00Z', expires_at: '2025-06-01T12:00:00Z' },
    { rule_id: 'off', title_pattern: '.', enabled: false },
  ]);

  it('loads valid rules and skips disabled ones', () => {
    expect(rejected).toEqual([]);
    expect(rules.map((r) => r.ruleId)).toEqual(['maint', 'night', 'temp']);
  });

  it('applies a daily window with an inclusive start and exclusive end', () => {
    const maint = rules[0]!;
    expect(ruleActive(maint, at('2025-06-01T01:59:59Z'))).toBe(false);
    expect(ruleActive(maint, at('2025-06-01T02:00:00Z'))).toBe(true);
    expect(ruleActive(maint, at('2025-06-01T03:59:59Z'))).toBe(true);
    expect(ruleActive(maint, at('2025-06-01T04:00:00Z'))).toBe(false);
  });

  it('wraps a window across midnight', () => {
    const night = rules[1]!;
    expect(ruleActive(night, at('2025-06-01T21:59:00Z'))).toBe(false);
    expect(ruleActive(night, at('2025-06-01T22:00:00Z'))).toBe(true);
    expect(ruleActive(night, at('2025-06-02T00:30:00Z'))).toBe(true);
    expect(ruleActive(night, at('2025-06-02T01:30:00Z'))).toBe(false);
  });

  it('starts at starts_at and stops exactly at expires_at', () => {
    const temp = rules[2]!;
    expect(ruleActive(temp, at('2025-06-01T09:59:59.999Z'))).toBe(false);
    expect(ruleActive(temp, at('2025-06-01T10:00:00Z'))).toBe(true);
    expect(ruleActive(temp, at('2025-06-01T11:59:59.999Z'))).toBe(true);
    expect(ruleActive(temp, at('2025-06-01T12:00:00Z'))).toBe(false);
  });

  it('needs every pattern of a rule to match, case-insensitively, and reports the first matching rule', () => {
    const t = at('2025-06-01T03:00:00Z');
    expect(findSuppression(rules, { source: 'datadog', title: 'DISK 91% on db-1' }, t).ruleId).toBe('maint');
    expect(findSuppression(rules, { source: 'grafana', title: 'disk 91%' }, t).ruleId).toBeUndefined();
    expect(findSuppression(rules, { source: 'datadog', title: 'cpu' }, t).ruleId).toBeUndefined();
    expect(findSuppression(rules, { source: 'datadog', title: 'disk' }, at('2025-06-01T05:00:00Z')).ruleId).toBeUndefined();
  });

  it('rejects unreadable rules by id instead of applying them', () => {
    const out = parseSuppressionRules([
      { rule_id: 'no-pattern', window: { start: '01:00', end: '02:00' } },
      { rule_id: 'bad-window', title_pattern: 'x', window: { start: '25:00', end: '02:00' } },
      { rule_id: 'empty-window', title_pattern: 'x', window: { start: '02:00', end: '02:00' } },
      { rule_id: 'bad-expiry', title_pattern: 'x', expires_at: 'tomorrow' },
      { rule_id: 'invalid-regex', title_pattern: '([a-z' },
      { title_pattern: 'x' },
      { rule_id: 'dup', title_pattern: 'x' },
      { rule_id: 'dup', title_pattern: 'y' },
    ]);
    expect(out.rules.map((r) => r.ruleId)).toEqual(['dup']);
    expect(out.rejected.map((r) => r.ruleId)).toEqual([
      'no-pattern',
      'bad-window',
      'empty-window',
      'bad-expiry',
      'invalid-regex',
      '?',
      'dup',
    ]);
    expect(parseSuppressionRules('not a list').rejected).toHaveLength(1);
    expect(parseSuppressionRules(undefined)).toEqual({ rules: [], rejected: [] });
  });
});

describe('catastrophic patterns', () => {
  const catastrophic = ['(a+)+$', '(a*)*b', '(a|a)*$', '(a|aa)+$', '(\\w+\\s?)+$', '((ab)*)+$', '(.*a){12}', '(?:x+x+)+y', '(a+){2,}$'];

  it('are rejected at load, quickly', () => {
    const started = performance.now();
    for (const p of catastrophic) expect(unsafeReason(p), p).toMatch(/nested quantifier/);
    const { rules, rejected } = parseSuppressionRules(catastrophic.map((p, k) => ({ rule_id: `evil-${k}`, title_pattern: p })));
    expect(rules).toEqual([]);
    expect(rejected).toHaveLength(catastrophic.length);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('backreferences, lookarounds and overlong patterns are rejected too', () => {
    expect(unsafeReason('(a)\\1')).toMatch(/backreference/);
    expect(unsafeReason('(?<x>a)\\k<x>')).toMatch(/backreference/);
    expect(unsafeReason('a(?=b)')).toMatch(/lookaround/);
    expect(unsafeReason('(?<!a)b')).toMatch(/lookaround/);
    expect(unsafeReason('a'.repeat(257))).toMatch(/longer than/);
    expect(unsafeReason('(a')).toMatch(/unbalanced/);
  });

  it('ordinary patterns are accepted', () => {
    for (const p of [
      '^disk (full|usage)',
      'cpu\\s+\\d+%',
      '^(?:prod|staging)-db-\\d+$',
      'a[(+)]+b',
      '\\(x+\\)+',
      'health ?check',
      '[a-z]{1,5}-\\d*',
    ]) {
      expect(unsafeReason(p), p).toBeUndefined();
      expect(() => compileSafePattern(p)).not.toThrow();
    }
  });

  it('a slow pattern that passes the analysis cannot hang matching: the time budget stops it', () => {
    // Polynomial (not nested) backtracking: admitted by the analysis, bounded by input length and time.
    const re = compileSafePattern('^.*.*.*.*.*.*=$');
    const input = 'x'.repeat(5000);
    const started = performance.now();
    const result = matchWithBudget(re, input, 20);
    expect(result).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(MAX_MATCH_INPUT).toBeLessThanOrEqual(1024);
  });

  it('a rule that runs out of budget does not suppress and is reported', () => {
    const { rules } = parseSuppressionRules([{ rule_id: 'slow', title_pattern: '^.*.*.*.*.*.*=$' }]);
    const out = findSuppression(rules, { source: 's', title: 'x'.repeat(5000) }, Date.now(), 20);
    expect(out).toEqual({ timedOut: ['slow'] });
  });
});
