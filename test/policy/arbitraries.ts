/**
 * fast-check generators shared by the property tests: small globs, random policies over a pool of
 * tricky action patterns, and resource queries the brute-force reference (./reference.ts) can expand.
 */
import fc from 'fast-check';
import type { PolicyDocument, PolicyStatement } from '../../src/policy/types.js';
import { globRegex, universe } from './reference.js';

/** Patterns over {a, b} (plus `*`, `?`); policies never name `c`, queries may. */
export const glob = (maxLength: number, letters: string[] = ['a', 'b']) =>
  fc.array(fc.constantFrom(...letters, '*', '?'), { maxLength }).map((cs) => cs.join(''));
export const specificGlob = (maxLength: number) => glob(maxLength, ['a', 'b', 'c']);

// Random small policies. Actions come from a pool with the tricky wildcards; resources are globs
// over {a, b} so the reference can enumerate them.
const actionPatterns = fc.constantFrom(
  '*',
  's3:*',
  's3:Get*',
  's3:GetObject',
  'S3:get?bject',
  'sts:AssumeRole*',
  'sts:*',
  'sts:AssumeRole',
  'iam:*Policy*',
  'iam:PassRole',
  'dynamodb:Delete*',
  '*:*Item',
);
export const actions = fc.constantFrom(
  's3:GetObject',
  's3:PutObject',
  'sts:AssumeRole',
  'sts:AssumeRoleWithSAML',
  'iam:PutRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:PassRole',
  'dynamodb:DeleteItem',
  'S3:getobject',
);
const list = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: 1, maxLength: 2 });
export const statement: fc.Arbitrary<PolicyStatement> = fc
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
export const policy = (origin: string): fc.Arbitrary<PolicyDocument> =>
  fc.array(statement, { maxLength: 4 }).map((statements) => ({ statements, origin }));

// Resource queries: short globs over {a, b, c} (c never occurs in policies), expanded over strings up to 6.
const RU = universe(['a', 'b', 'c'], 6);
export const resourceQuery = fc.array(fc.constantFrom('a', 'b', 'c', '*', '?'), { maxLength: 3 }).map((cs) => cs.join(''));
export const expand = (q: string): string[] => RU.filter((s) => globRegex(q).test(s));
