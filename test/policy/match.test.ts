import { describe, expect, it } from 'vitest';
import { actionMatches, globCovers, globMatch, globsCoverUnion, globsOverlap } from '../../src/policy/match.js';

describe('globMatch', () => {
  it.each([
    ['*', '', true],
    ['*', 'arn:aws:s3:::bucket/key', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b/c', true],
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket', false],
    ['arn:aws:iam::*:role/ztait-*', 'arn:aws:iam::123456789012:role/ztait-triage', true],
    ['arn:aws:iam::*:role/ztait-*', 'arn:aws:iam::123456789012:role/other', false],
    // `*` crosses `:` and `/` in IAM.
    ['arn:*', 'arn:aws:iam::1:role/x/y', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXcYb', false],
    ['ABC', 'abc', false],
  ])('%s vs %s -> %s', (p, v, want) => {
    expect(globMatch(p, v)).toBe(want);
  });
  it('folds case only when asked', () => {
    expect(globMatch('S3:Get*', 's3:getobject', true)).toBe(true);
    expect(globMatch('S3:Get*', 's3:getobject')).toBe(false);
  });
});

describe('actionMatches', () => {
  it.each([
    ['iam:*Policy*', 'iam:PutRolePolicy', true],
    ['iam:*Policy*', 'iam:CreatePolicyVersion', true],
    ['iam:*Policy*', 'iam:DeleteRolePermissionsBoundary', false],
    ['iam:*Policy*', 'iam:PassRole', false],
    ['sts:AssumeRole*', 'sts:AssumeRole', true],
    ['sts:AssumeRole*', 'sts:AssumeRoleWithWebIdentity', true],
    ['sts:AssumeRole*', 'sts:GetCallerIdentity', false],
    ['sts:*', 'sts:AssumeRole', true],
    ['STS:assumerole', 'sts:AssumeRole', true],
    ['*', 'dynamodb:DeleteItem', true],
    ['dynamodb:Delete*', 'dynamodb:DeleteItem', true],
    ['dynamodb:Delete*', 'dynamodb:BatchWriteItem', false],
    ['s3:*', 'sts:AssumeRole', false],
  ])('%s matches %s: %s', (p, a, want) => {
    expect(actionMatches(p, a)).toBe(want);
  });
});

describe('globsOverlap / globCovers on ARNs', () => {
  const audit = 'arn:aws:dynamodb:*:*:table/ztait-audit';
  it.each([
    ['arn:aws:dynamodb:*:*:table/ztait-*', audit, true, true],
    ['arn:aws:dynamodb:*:*:table/ztait-incidents', audit, false, false],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/ztait-audit', audit, true, false],
    ['arn:aws:dynamodb:*:*:table/*', audit, true, true],
    ['*', audit, true, true],
    ['arn:aws:dynamodb:*:*:table/ztait-audit/index/*', audit, true, false],
    ['arn:aws:s3:::*', audit, false, false],
    ['arn:aws:iam::*:policy/*', '*', true, false],
  ])('policy %s vs resource %s: overlap %s, covers %s', (policy, resource, overlap, covers) => {
    expect(globsOverlap(policy, resource)).toBe(overlap);
    expect(globsOverlap(resource, policy)).toBe(overlap);
    expect(globCovers(policy, resource)).toBe(covers);
  });
  it('covers by a union that no single pattern covers', () => {
    expect(globsCoverUnion(['a*b', 'a*c', 'a', 'a*a'], 'a*')).toBe(false); // "ad" escapes
    expect(globsCoverUnion(['a?*', 'a'], 'a*')).toBe(true);
    expect(globCovers('a?*', 'a*')).toBe(false);
    expect(globsCoverUnion([], 'a')).toBe(false);
  });
  it('treats every other character alike (a literal absent from both patterns)', () => {
    expect(globCovers('*x*', '*')).toBe(false);
    expect(globCovers('*', '?x?')).toBe(true);
    expect(globCovers('??*', '?*?')).toBe(true);
    expect(globCovers('?*?', '*')).toBe(false);
  });
  it('folds case when asked', () => {
    expect(globCovers('IAM:*', 'iam:Put*', true)).toBe(true);
    expect(globCovers('IAM:*', 'iam:Put*')).toBe(false);
    expect(globsOverlap('IAM:*', 'iam:Put*', true)).toBe(true);
  });
});

describe('hostile patterns', () => {
  it.each([
    ['?'.repeat(300) + '*', '*' + '?*'.repeat(300)],
    ['*?'.repeat(48), '*a*b*c*d*e*f*g*h*i*j*k*l*m*n*o*p*q*r*s*t*u*v*w*x*y*z*'],
    ['*a' + '?'.repeat(40), '*a' + '?'.repeat(39) + '*?'],
    ['*'.repeat(5000) + 'x', 'y'.repeat(5000) + '*'],
  ])('answer within a bounded time (%#)', (g, s) => {
    const t = performance.now();
    globCovers(g, s);
    globsOverlap(g, s);
    globMatch(g, s);
    expect(performance.now() - t).toBeLessThan(3000);
  });
  it('decide long realistic patterns exactly', () => {
    expect(globCovers('*a' + '?'.repeat(40), '*a' + '?'.repeat(40))).toBe(true);
    expect(globCovers('*a' + '?'.repeat(39) + '*?', '*a' + '?'.repeat(40))).toBe(true);
    expect(globCovers('*a' + '?'.repeat(40), '*a' + '?'.repeat(39) + '*?')).toBe(false);
  });
});
