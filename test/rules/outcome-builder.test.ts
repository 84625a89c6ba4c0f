/**
 * OutcomeBuilder.examine merges repeated looks at one resource: the worst status, and each observed
 * text once. It keeps the `; `-separated parts in a set (a rule may look at a role once per table);
 * the result must be what splitting the text on every look gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OutcomeBuilder } from '../../src/rules/lib/pipeline.js';
import type { Resource } from '../../src/model/inventory.js';

const resource = (n: number): Resource => ({
  address: `aws_iam_role.r${n}`,
  mode: 'managed',
  type: 'aws_iam_role',
  name: `r${n}`,
  module: '',
  values: {},
});
const RESOURCES = [0, 1, 2].map(resource);
type Status = 'pass' | 'error' | 'fail';
const RANK: Record<Status, number> = { pass: 0, error: 1, fail: 2 };

/** The merge as plain text: split the text so far on every look. */
function reference(looks: [number, Status, string][]): { address: string; status: Status; observed: string }[] {
  const out = new Map<string, { address: string; status: Status; observed: string }>();
  for (const [i, status, observed] of looks) {
    const address = RESOURCES[i]!.address;
    const prev = out.get(address);
    if (!prev) out.set(address, { address, status, observed });
    else {
      if (RANK[status] > RANK[prev.status]) prev.status = status;
      if (!prev.observed.split('; ').includes(observed)) prev.observed = `${prev.observed}; ${observed}`;
    }
  }
  return [...out.values()];
}

describe('OutcomeBuilder.examine', () => {
  it('merges looks as splitting the text on every look would', () => {
    const texts = fc.constantFrom('a', 'b', 'a; b', 'b; a', 'a;', '; a', ';', '', ' ', 'a;; b', 'no grant on t1');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), fc.constantFrom<Status>('pass', 'error', 'fail'), texts), { maxLength: 30 }), (looks) => {
        const b = new OutcomeBuilder();
        for (const [i, status, observed] of looks) b.examine(RESOURCES[i]!, status, observed);
        const got = b.finish('nothing').examined.map((e) => ({ address: e.resource.address, status: e.status, observed: e.observed }));
        expect(got).toEqual(reference(looks));
      }),
      { numRuns: 2000 },
    );
  });

  it('a role looked at once per table lists each table once', () => {
    const b = new OutcomeBuilder();
    for (let round = 0; round < 2; round++) for (let t = 0; t < 500; t++) b.examine(RESOURCES[0]!, 'pass', `no grant on t${t}`);
    const [e] = b.finish('nothing').examined;
    expect(e!.observed.split('; ')).toHaveLength(500);
  });
});
