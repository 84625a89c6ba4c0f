/**
 * The registry is where the rules and their count come from. This is the one place that says which
 * invariants exist: every other test takes them from INVARIANTS.
 */
import { describe, expect, it } from 'vitest';
import { CHANGE_RULES, INVARIANTS } from '../../src/rules/registry.js';

describe('the rule registry', () => {
  it('lists the 14 invariants in order', () => {
    expect(INVARIANTS.map((r) => r.id)).toEqual(Array.from({ length: 14 }, (_x, i) => `SI-${i + 1}`));
  });

  it('the change rules are the three plan rules in order', () => {
    expect(CHANGE_RULES.map((r) => r.id)).toEqual(['ZT-PLAN-1', 'ZT-PLAN-2', 'ZT-PLAN-3']);
  });
});
