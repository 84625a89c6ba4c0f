import { describe, expect, it } from 'vitest';
import { diffLevels, envValue, parseLevel } from '../../src/maturity/table.js';

// That Table 3 here equals rules/maturity.yaml (and the Lambda's and Terraform's copies): table3-copies.test.ts.

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
