/**
 * Property tests (issue 9): the automata-based glob reasoning and the evaluator agree with
 * brute-force references over a small alphabet, and the parser never throws on hostile input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectivePermission, explicitlyDenies, statementApplies } from '../../src/policy/evaluate.js';
import { globCovers, globMatch, globsCoverUnion, globsOverlap } from '../../src/policy/match.js';
import { parsePolicy } from '../../src/policy/parse.js';
import type { PolicyDocument, PolicyStatement } from '../../src/policy/types.js';
import { globRegex, refApplies, refCovers, refEffective, refOverlap, universe } from './reference.js';

// General patterns of length <= 4 over {a, b}; `c` stands for every character they do not name
// (a specific pattern may name it). Strings up to length 8 hold a witness for every overlap and a
// counterexample for every non-cover.
const U = universe(['a', 'b', 'c'], 8);
const glob = (maxLength: number, letters: string[] = ['a', 'b']) =>
  fc.array(fc.constantFrom(...letters, '*', '?'), { maxLength }).map((cs) => cs.join(''));
const specificGlob = (maxLength: number) => glob(maxLength, ['a', 'b', 'c']);

describe('glob reasoning agrees with brute force', () => {
  it('globMatch agrees with a regular expression', () => {
    fc.assert(
      fc.property(glob(6), fc.array(fc.constantFrom('a', 'b', 'c', '*', ':', '/'), { maxLength: 8 }), (p, cs) => {
        const s = cs.join('');
        expect(globMatch(p, s)).toBe(globRegex(p).test(s));
      }),
      { numRuns: 2000 },
    );
  });
  it('globsOverlap agrees', () => {
    fc.assert(
      fc.property(glob(4), specificGlob(4), (a, b) => {
        expect(globsOverlap(a, b)).toBe(refOverlap(a, b, U));
      }),
      { numRuns: 400 },
    );
  });
  it('globCovers agrees', () => {
    fc.assert(
      fc.property(glob(4), specificGlob(4), (g, s) => {
        expect(globCovers(g, s)).toBe(refCovers(g, s, U));
      }),
      { numRuns: 400 },
    );
  });
  it('globsCoverUnion agrees', () => {
    fc.assert(
      fc.property(fc.array(glob(3), { minLength: 1, maxLength: 3 }), specificGlob(3), (gs, s) => {
        const rs = globRegex(s);
        const rgs = gs.map((g) => globRegex(g));
        const want = U.every((x) => !rs.test(x) || rgs.some((r) => r.test(x)));
        expect(globsCoverUnion(gs, s)).toBe(want);
      }),
      { numRuns: 300 },
    );
  });
});

// Random small policies. Actions come from a pool with the tricky wildcards; resources are globs
// over {a, b} so the reference can enumerate them.
const actionPatterns = fc.constantFrom(
  '*', 's3:*', 's3:Get*', 's3:GetObject', 'S3:get?bject', 'sts:AssumeRole*', 'sts:*', 'sts:AssumeRole',
  'iam:*Policy*', 'iam:PassRole', 'dynamodb:Delete*', '*:*Item',
);
const actions = fc.constantFrom(
  's3:GetObject', 's3:PutObject', 'sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'iam:PutRolePolicy',
  'iam:CreatePolicyVersion', 'iam:PassRole', 'dynamodb:DeleteItem', 'S3:getobject',
);
const list = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 1, maxLength: 2 });
const statement: fc.Arbitrary<PolicyStatement> = fc
  .record({
    effect: fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Deny'),
    actions: list(actionPatterns),
    negateAction: fc.boolean(),
    resources: list(glob(3)),
    resourceKind: fc.constantFrom('resource', 'notResource', 'none'),
    hasCondition: fc.boolean(),
    partiallyUnknown: fc.boolean(),
  })
  .map((r) => ({
    effect: r.effect,
    ...(r.negateAction ? { notAction: r.actions } : { action: r.actions }),
    ...(r.resourceKind === 'resource' ? { resource: r.resources } : {}),
    ...(r.resourceKind === 'notResource' ? { notResource: r.resources } : {}),
    hasCondition: r.hasCondition,
    ...(r.partiallyUnknown ? { partiallyUnknown: true } : {}),
  }));
const policy = (origin: string): fc.Arbitrary<PolicyDocument> =>
  fc.array(statement, { maxLength: 4 }).map((statements) => ({ statements, origin }));

// Resource queries: short globs over {a, b, c} (c never occurs in policies), expanded over strings up to 6.
const RU = universe(['a', 'b', 'c'], 6);
const resourceQuery = fc.array(fc.constantFrom('a', 'b', 'c', '*', '?'), { maxLength: 3 }).map((cs) => cs.join(''));
const expand = (q: string): string[] => RU.filter((s) => globRegex(q).test(s));

describe('evaluator agrees with a brute-force reference evaluator', () => {
  it('statementApplies', () => {
    fc.assert(
      fc.property(statement, actions, resourceQuery, (st, a, q) => {
        expect(statementApplies(st, a, q)).toBe(refApplies(st, a, expand(q)));
      }),
      { numRuns: 1500 },
    );
  });
  it('effectivePermission', () => {
    fc.assert(
      fc.property(
        fc.array(policy('identity'), { minLength: 1, maxLength: 2 }),
        fc.option(policy('boundary'), { nil: undefined }),
        actions,
        resourceQuery,
        (identity, boundary, a, q) => {
          const got = effectivePermission(identity, boundary, a, q);
          expect(got.decision).toBe(refEffective(identity, boundary, a, expand(q)));
          // The grants listed are the ones the decision rests on.
          if (got.decision === 'denied') expect(got.deniedBy.length).toBeGreaterThan(0);
          else expect(got.deniedBy).toEqual([]);
        },
      ),
      { numRuns: 1000 },
    );
  });
  it('explicitlyDenies finds exactly a certainly-applying Deny', () => {
    fc.assert(
      fc.property(policy('boundary'), actions, resourceQuery, (p, a, q) => {
        const rs = expand(q);
        const want = p.statements.some((st) => st.effect === 'Deny' && refApplies(st, a, rs) === 'yes');
        const got = explicitlyDenies(p, a, q);
        expect(got !== undefined).toBe(want);
        if (got) expect(p.statements[got.index]!.effect).toBe('Deny');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parsePolicy on hostile input', () => {
  it('never throws on arbitrary JSON values, as objects or as text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        for (const input of [v, JSON.stringify(v)]) {
          const r = parsePolicy(input as never, 'x');
          if (!r.ok) expect(r.error).not.toContain('\n');
        }
      }),
      { numRuns: 1000 },
    );
  });
  it('never throws on policy-shaped objects with random fields', () => {
    const field = fc.oneof(fc.jsonValue(), fc.constant('*'), fc.array(fc.string(), { maxLength: 3 }));
    fc.assert(
      fc.property(
        fc.record(
          {
            Effect: fc.oneof(fc.constantFrom('Allow', 'Deny'), field),
            Action: field,
            NotAction: field,
            Resource: field,
            NotResource: field,
            Principal: field,
            Condition: field,
          },
          { requiredKeys: [] },
        ),
        (st) => {
          const r = parsePolicy({ Version: '2012-10-17', Statement: [st] } as never, 'x');
          if (r.ok) for (const s of r.policy.statements) expect((s.action ?? s.notAction)!.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
