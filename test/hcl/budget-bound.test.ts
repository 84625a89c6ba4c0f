/** encodingFits() lets jsonencode()/format() skip the length walk: it must never say "fits" wrongly. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodedLengthAtLeast, encodingFits, workOf } from '../../src/hcl/budget.js';
import type { Value } from '../../src/model/value.js';

const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 80 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 60 }), tie('v'), { maxKeys: 5 }),
  ),
})).v;

describe('the work of a value bounds what encodedLengthAtLeast counts', () => {
  test('property: counted length <= 20 x work, so encodingFits never hides an over-long value', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 5000 }), (v, max) => {
        expect(encodedLengthAtLeast(v, Number.MAX_SAFE_INTEGER)).toBeLessThanOrEqual(20 * workOf(v));
        if (encodingFits(v, max)) expect(encodedLengthAtLeast(v, max)).toBeLessThanOrEqual(max);
      }),
      { numRuns: 500 },
    );
  });

  test('long keys count: a list of references to an object with a long key does not fit', () => {
    const big: Value = { ['k'.repeat(100_000)]: 1 };
    const list: Value = Array.from({ length: 200 }, () => big);
    expect(encodingFits(list, 16 * 1024 * 1024)).toBe(false);
  });
});
