/**
 * roleMay against the brute-force reference evaluator (test/policy/reference.ts), on random roles:
 * identity documents, a boundary that is absent, readable or unreadable, and policies that cannot be
 * read. roleMay answers most questions by a shortcut (no identity Allow names the action) and keeps
 * per-role answers; neither may change a decision.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roleMay, roleNeverMay, type BoundaryState, type RolePolicies } from '../../src/policy/roles.js';
import type { Resource } from '../../src/model/inventory.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { actions, expand, policy, resourceQuery } from '../policy/arbitraries.js';
import { refEffective } from '../policy/reference.js';

const role: Resource = { address: 'aws_iam_role.r', mode: 'managed', type: 'aws_iam_role', name: 'r', module: '', values: {} };
const ALLOW_ALL: PolicyDocument = {
  origin: 'unreadable',
  statements: [{ effect: 'Allow', action: ['*'], resource: ['*'], hasCondition: false }],
};

/**
 * What roleMay must say: the known documents' decision; when they do not allow it, 'unknown' if an
 * unreadable policy (which may allow anything) would, and an unreadable boundary leaves an allowed
 * action undecided. Resource queries never start with `arn:`, so ARN fields play no part.
 */
function expected(rp: RolePolicies, action: string, resources: string[]): string {
  const boundary = rp.boundary.kind === 'ok' ? rp.boundary.policy : undefined;
  const known = refEffective(rp.identity, boundary, action, resources);
  if (known === 'denied') return 'denied';
  if (known === 'allowed') return rp.boundary.kind === 'unreadable' ? 'unknown' : 'allowed';
  if (rp.unreadable.length === 0) return 'implicit-deny';
  return refEffective([...rp.identity, ALLOW_ALL], boundary, action, resources) === 'allowed' ? 'unknown' : 'implicit-deny';
}

const rolePolicies: fc.Arbitrary<RolePolicies> = fc
  .record({
    identity: fc.array(policy('identity'), { maxLength: 2 }),
    boundary: fc.option(policy('boundary'), { nil: undefined }),
    boundaryUnreadable: fc.boolean(),
    unreadable: fc.boolean(),
  })
  .map((r) => {
    const boundary: BoundaryState = r.boundary
      ? { kind: 'ok', policy: r.boundary, resource: role, name: 'boundary' }
      : r.boundaryUnreadable
        ? { kind: 'unreadable', reason: 'boundary cannot be read' }
        : { kind: 'none' };
    // Origins name documents (a role's are distinct): judge finds a grant's statement by its origin.
    const identity = r.identity.map((d, i) => ({ ...d, origin: `identity ${i}` }));
    return { role, identity, unreadable: r.unreadable ? ['a policy cannot be read'] : [], floating: [], boundary };
  });

describe('roleMay agrees with the reference evaluator', () => {
  it('on random roles, asked many questions in turn', () => {
    fc.assert(
      fc.property(rolePolicies, fc.array(fc.tuple(actions, resourceQuery), { minLength: 1, maxLength: 6 }), (rp, qs) => {
        for (const [a, q] of qs) expect(roleMay(rp, a, q).decision).toBe(expected(rp, a, expand(q)));
      }),
      { numRuns: 150 },
    );
  });

  it('roleNeverMay: when it holds, no resource makes the action allowed or undecidable (rules skip on it)', () => {
    let held = 0;
    fc.assert(
      fc.property(rolePolicies, actions, fc.array(resourceQuery, { minLength: 1, maxLength: 6 }), (rp, a, qs) => {
        if (!roleNeverMay(rp, a)) return;
        held++;
        for (const q of qs) expect(['implicit-deny', 'denied']).toContain(roleMay(rp, a, q).decision);
      }),
      { numRuns: 300 },
    );
    expect(held).toBeGreaterThan(10); // the property was exercised, not vacuous
  });

  it('a document added to the role after a question is read for the next one', () => {
    const rp: RolePolicies = { role, identity: [], unreadable: [], floating: [], boundary: { kind: 'none' } };
    expect(roleMay(rp, 'dynamodb:DeleteItem', 'arn:aws:dynamodb:*:*:table/audit').decision).toBe('implicit-deny');
    rp.identity.push({ origin: 'late', statements: [{ effect: 'Allow', action: ['dynamodb:*'], resource: ['*'], hasCondition: false }] });
    expect(roleMay(rp, 'dynamodb:DeleteItem', 'arn:aws:dynamodb:*:*:table/audit').decision).toBe('allowed');
  });

  it('a Deny still wins when no Allow names the action (denied, not implicit deny)', () => {
    const deny: PolicyDocument = {
      origin: 'boundary',
      statements: [{ effect: 'Deny', action: ['dynamodb:Delete*'], resource: ['*'], hasCondition: false }],
    };
    const rp: RolePolicies = {
      role,
      identity: [{ origin: 'p', statements: [{ effect: 'Allow', action: ['s3:GetObject'], resource: ['*'], hasCondition: false }] }],
      unreadable: [],
      floating: [],
      boundary: { kind: 'ok', policy: deny, resource: role, name: 'boundary' },
    };
    expect(roleMay(rp, 'dynamodb:DeleteItem', 'arn:aws:dynamodb:*:*:table/audit').decision).toBe('denied');
    expect(roleMay(rp, 'dynamodb:PutItem', 'arn:aws:dynamodb:*:*:table/audit').decision).toBe('implicit-deny');
  });
});
