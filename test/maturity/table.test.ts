import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LEVELS, LEVEL_NAMES, SETTINGS, TABLE3, diffLevels, envValue, parseLevel } from '../../src/maturity/table.js';
import { TRANSITION_CRITERIA } from '../../src/maturity/assess.js';
import { DEFAULT_WINDOW_DAYS, REGRESSION_RULE, TRUST_WEIGHTS } from '../../src/maturity/metrics.js';

const YAML_FILE = join(import.meta.dirname, '../../rules/maturity.yaml');

interface MaturityYaml {
  window_days: number;
  settings: { name: string }[];
  levels: { level: number; name: string; settings: Record<string, unknown> }[];
  transitions: { from: number; to: number; criteria: { id: string; op: string; threshold: number }[] }[];
  ongoing: { level: number; criteria: { id: string; op: string; threshold: number }[]; regression: { to: number; threshold: number; consecutive_days: number } };
  trust_score: { component: string; weight: number }[];
}

// Table 3 lives in code (typed, no file to go missing at run time); rules/maturity.yaml is the same
// table as data. This test is what keeps them one table.
describe.skipIf(!existsSync(YAML_FILE))('Table 3 in code agrees with rules/maturity.yaml', () => {
  const y = parse(readFileSync(YAML_FILE, 'utf8')) as MaturityYaml;

  it('has the same settings and per-level values (null = n/a)', () => {
    expect(y.settings.map((s) => s.name)).toEqual([...SETTINGS]);
    expect(y.levels.map((l) => l.level)).toEqual([...LEVELS]);
    for (const l of y.levels) {
      const level = l.level as 0 | 1 | 2 | 3;
      expect(l.name).toBe(LEVEL_NAMES[level]);
      const fromYaml = Object.fromEntries(Object.entries(l.settings).map(([k, v]) => [k, v === null ? 'n/a' : v]));
      expect(fromYaml).toEqual(TABLE3[level]);
    }
  });

  it('has the same entry criteria, regression rule, window and trust weights', () => {
    const code = (level: 0 | 1 | 2 | 3) => TRANSITION_CRITERIA[level].map(({ id, op, threshold }) => ({ id, op, threshold }));
    for (const t of y.transitions) {
      expect(t.to).toBe(t.from + 1);
      expect(t.criteria.map(({ id, op, threshold }) => ({ id, op, threshold }))).toEqual(code(t.from as 0 | 1 | 2));
    }
    expect(y.ongoing.criteria.map(({ id, op, threshold }) => ({ id, op, threshold }))).toEqual(code(3));
    expect(y.ongoing.regression).toMatchObject({ to: 2, threshold: REGRESSION_RULE.threshold, consecutive_days: REGRESSION_RULE.consecutiveDays });
    expect(y.window_days).toBe(DEFAULT_WINDOW_DAYS);
    expect(Object.fromEntries(y.trust_score.map((t) => [t.component.toLowerCase(), t.weight]))).toEqual(TRUST_WEIGHTS);
  });
});

describe('Table 3 helpers', () => {
  it('renders values the way the Lambda environment carries them', () => {
    expect(envValue(0.9)).toBe('0.90');
    expect(envValue(0.8)).toBe('0.80');
    expect(envValue(true)).toBe('true');
    expect(envValue('n/a')).toBe('n/a');
  });

  it('parses levels by number, L-number and name', () => {
    expect(parseLevel('2')).toBe(2);
    expect(parseLevel('L3')).toBe(3);
    expect(parseLevel('shadow')).toBe(0);
    expect(parseLevel('Assisted')).toBe(1);
    expect(parseLevel('4')).toBeUndefined();
    expect(parseLevel('-1')).toBeUndefined();
    expect(parseLevel('1.5')).toBeUndefined();
  });

  it('diffs two levels to the changed rows only', () => {
    expect(diffLevels(0, 1)).toEqual([
      { setting: 'gating_required_p1_p2', env: 'GATING_REQUIRED_P1_P2', from: 'n/a', to: true },
      { setting: 'gating_required_p3_p4', env: 'GATING_REQUIRED_P3_P4', from: 'n/a', to: true },
      { setting: 'display_recommendations', env: 'DISPLAY_RECOMMENDATIONS', from: false, to: true },
    ]);
    expect(diffLevels(2, 2)).toEqual([]);
    expect(diffLevels(3, 2).map((c) => c.setting)).toEqual(['gating_required_p1_p2', 'accuracy_threshold', 'min_confidence_auto']);
  });
});
