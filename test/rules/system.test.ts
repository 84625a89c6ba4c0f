import { describe, expect, it } from 'vitest';
import { INVARIANTS } from '../../src/rules/registry.js';
import { check, inventory, lines, toLive } from '../support/builder.js';
import { system } from '../support/system.js';

describe('the reference system', () => {
  for (const shape of ['static', 'live'] as const) {
    it(`passes every invariant (${shape})`, () => {
      const rs = shape === 'static' ? system().all() : toLive(system().all());
      const inv = inventory(rs, { kind: shape === 'static' ? 'hcl' : 'live' });
      const got = Object.fromEntries(
        INVARIANTS.map((r) => {
          const c = check(r, inv);
          return [r.id, c.status === 'pass' ? 'pass' : `${c.status}: ${lines(c).join(' | ')}${c.reason ? ` (${c.reason})` : ''}`];
        }),
      );
      expect(got).toEqual(Object.fromEntries(INVARIANTS.map((r) => [r.id, 'pass'])));
    });
  }
});
