import { describe, expect, it } from 'vitest';
import { Unknown, type Value } from '../../src/model/value.js';
import { allowsOf, effectivePermission, explicitlyDenies, principalIsEveryone, statementApplies } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/parse.js';
import type { PolicyDocument } from '../../src/policy/types.js';

const doc = (origin: string, ...Statement: Value[]): PolicyDocument => {
  const r = parsePolicy({ Version: '2012-10-17', Statement }, origin);
  if (!r.ok) throw new Error(r.error);
  return r.policy;
};
const st = (s: Value) => doc('t', s).statements[0]!;

const SI4_ACTIONS = [
  'iam:CreatePolicy',
  'iam:CreatePolicyVersion',
  'iam:DeletePolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
];
const AUDIT = 'arn:aws:dynamodb:*:*:table/ztait-audit';

describe('statementApplies', () => {
  it.each<[string, Value, string, string, 'yes' | 'maybe' | 'no']>([
    ['Action wildcard, Resource *', { Effect: 'Deny', Action: 'sts:*', Resource: '*' }, 'sts:AssumeRole', '*', 'yes'],
    ['sts:AssumeRole* on *', { Effect: 'Deny', Action: 'sts:AssumeRole*', Resource: '*' }, 'sts:AssumeRole', '*', 'yes'],
    ['action does not match', { Effect: 'Deny', Action: 's3:*', Resource: '*' }, 'sts:AssumeRole', '*', 'no'],
    ['iam:*Policy* covers PutRolePolicy', { Effect: 'Deny', Action: 'iam:*Policy*', Resource: '*' }, 'iam:PutRolePolicy', '*', 'yes'],
    ['iam:*Policy* not PassRole', { Effect: 'Deny', Action: 'iam:*Policy*', Resource: '*' }, 'iam:PassRole', '*', 'no'],
    [
      'Condition makes it maybe',
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:x': 'y' } } },
      's3:GetObject',
      'arn:aws:s3:::b',
      'maybe',
    ],
    [
      'policy-only resource vs every resource',
      { Effect: 'Deny', Action: 'iam:*', Resource: 'arn:aws:iam::*:policy/*' },
      'iam:PutRolePolicy',
      '*',
      'maybe',
    ],
    [
      'policy-only resource vs a role',
      { Effect: 'Deny', Action: 'iam:*', Resource: 'arn:aws:iam::*:policy/*' },
      'iam:PutRolePolicy',
      'arn:aws:iam::1:role/r',
      'no',
    ],
    ['NotAction excludes the action', { Effect: 'Deny', NotAction: 'sts:*', Resource: '*' }, 'sts:AssumeRole', '*', 'no'],
    ['NotAction excludes others', { Effect: 'Deny', NotAction: ['s3:*', 'ec2:*'], Resource: '*' }, 'sts:AssumeRole', '*', 'yes'],
    ['NotResource never covers *', { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::logs/*' }, 'sts:AssumeRole', '*', 'maybe'],
    [
      'NotResource covers what it cannot touch',
      { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::logs/*' },
      's3:GetObject',
      'arn:aws:s3:::data/*',
      'yes',
    ],
    [
      'NotResource excludes the resource',
      { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::logs/*' },
      's3:GetObject',
      'arn:aws:s3:::logs/a',
      'no',
    ],
    [
      'table/ztait-* vs the partly known audit ARN',
      { Effect: 'Allow', Action: 'dynamodb:DeleteItem', Resource: 'arn:aws:dynamodb:*:*:table/ztait-*' },
      'dynamodb:DeleteItem',
      AUDIT,
      'yes',
    ],
    [
      'table/ztait-incidents vs the audit ARN',
      { Effect: 'Allow', Action: 'dynamodb:DeleteItem', Resource: 'arn:aws:dynamodb:*:*:table/ztait-incidents' },
      'dynamodb:DeleteItem',
      AUDIT,
      'no',
    ],
    [
      'a concrete table ARN may be the audit table',
      { Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/ztait-audit' },
      'dynamodb:DeleteItem',
      AUDIT,
      'maybe',
    ],
    [
      'resource ARNs are case-sensitive',
      { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::Bucket' },
      's3:GetObject',
      'arn:aws:s3:::bucket',
      'no',
    ],
    ['actions are case-insensitive', { Effect: 'Deny', Action: 'STS:assumerole', Resource: '*' }, 'sts:AssumeRole', '*', 'yes'],
  ])('%s', (_name, s, action, resource, want) => {
    expect(statementApplies(st(s), action, resource)).toBe(want);
  });

  it('a statement with an unknown part never certainly applies', () => {
    const s = { ...st({ Effect: 'Deny', Action: 'sts:*', Resource: '*' }), partiallyUnknown: true };
    expect(statementApplies(s, 'sts:AssumeRole', '*')).toBe('maybe');
  });
});

describe('effectivePermission', () => {
  const boundary = doc(
    'boundary',
    { Effect: 'Allow', Action: '*', Resource: '*' },
    { Sid: 'NoAssume', Effect: 'Deny', Action: 'sts:AssumeRole*', Resource: '*' },
    { Sid: 'NoPolicyWrites', Effect: 'Deny', Action: 'iam:*Policy*', Resource: '*' },
  );

  it('NotAction with Allow grants what it does not list (sts:AssumeRole through NotAction iam:*)', () => {
    const identity = doc('role_policy', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    const r = effectivePermission([identity], undefined, 'sts:AssumeRole', '*');
    expect(r.decision).toBe('allowed');
    expect(r.allowedBy).toEqual([{ origin: 'role_policy', index: 0, effect: 'Allow', conditional: false }]);
    expect(effectivePermission([identity], undefined, 'iam:PutRolePolicy', '*').decision).toBe('implicit-deny');
  });

  it('explicit deny wins (identity Deny or boundary Deny)', () => {
    const identity = doc('role_policy', { Effect: 'Allow', Action: '*', Resource: '*' });
    const r = effectivePermission([identity], boundary, 'sts:AssumeRole', 'arn:aws:iam::1:role/x');
    expect(r.decision).toBe('denied');
    expect(r.deniedBy).toEqual([{ origin: 'boundary', sid: 'NoAssume', index: 1, effect: 'Deny', conditional: false }]);
    for (const a of SI4_ACTIONS.filter((x) => x.includes('Policy'))) {
      expect(effectivePermission([identity], boundary, a, '*').decision).toBe('denied');
    }
    const selfDeny = doc('p2', { Effect: 'Deny', Action: 's3:*', Resource: '*' });
    expect(effectivePermission([identity, selfDeny], undefined, 's3:GetObject', 'arn:aws:s3:::b/k').decision).toBe('denied');
  });

  it('boundary intersection: identity allows, boundary has no Allow -> implicit-deny', () => {
    const identity = doc('role_policy', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
    const denyOnly = doc('boundary', { Effect: 'Deny', Action: 'sts:*', Resource: '*' });
    const r = effectivePermission([identity], denyOnly, 's3:GetObject', 'arn:aws:s3:::b/k');
    expect(r.decision).toBe('implicit-deny');
    expect(r.allowedBy.map((g) => g.origin)).toEqual(['role_policy']);
    const narrow = doc('boundary', { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' });
    expect(effectivePermission([identity], narrow, 's3:GetObject', 'arn:aws:s3:::b/k').decision).toBe('implicit-deny');
    expect(effectivePermission([identity], boundary, 's3:GetObject', 'arn:aws:s3:::b/k').decision).toBe('allowed');
  });

  it('no Allow at all -> implicit-deny', () => {
    expect(effectivePermission([], undefined, 's3:GetObject', '*').decision).toBe('implicit-deny');
  });

  it('a conditional Allow still counts as a grant; a conditional Deny does not block', () => {
    const identity = doc(
      'p',
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/x': 'y' } } },
      { Effect: 'Deny', Action: 'sts:*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } },
    );
    const r = effectivePermission([identity], undefined, 'sts:AssumeRole', '*');
    expect(r.decision).toBe('allowed');
    expect(r.allowedBy[0]!.conditional).toBe(true);
    expect(r.deniedBy).toEqual([]);
  });

  it('SI-7: delete on the partly known audit table ARN', () => {
    const wide = doc('p', { Effect: 'Allow', Action: 'dynamodb:Delete*', Resource: 'arn:aws:dynamodb:*:*:table/ztait-*' });
    const other = doc('p', { Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:*:*:table/ztait-incidents' });
    expect(effectivePermission([wide], undefined, 'dynamodb:DeleteItem', AUDIT).decision).toBe('allowed');
    expect(effectivePermission([other], undefined, 'dynamodb:DeleteItem', AUDIT).decision).toBe('implicit-deny');
  });
});

describe('explicitlyDenies (a boundary or bucket policy guarantee)', () => {
  it.each<[string, Value[], string, boolean]>([
    ['Deny sts:* on *', [{ Effect: 'Deny', Action: 'sts:*', Resource: '*' }], 'sts:AssumeRole', true],
    ['Deny sts:AssumeRole* on *', [{ Effect: 'Deny', Action: 'sts:AssumeRole*', Resource: '*' }], 'sts:AssumeRole', true],
    [
      'Deny with a Condition is not a guarantee',
      [{ Effect: 'Deny', Action: 'sts:*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': '1' } } }],
      'sts:AssumeRole',
      false,
    ],
    [
      'Deny with NotResource is not a guarantee on *',
      [{ Effect: 'Deny', Action: 'sts:*', NotResource: 'arn:aws:iam::1:role/ok' }],
      'sts:AssumeRole',
      false,
    ],
    ['Deny with NotAction excluding it', [{ Effect: 'Deny', NotAction: 'sts:AssumeRole', Resource: '*' }], 'sts:AssumeRole', false],
    ['Deny with NotAction excluding something else', [{ Effect: 'Deny', NotAction: 's3:*', Resource: '*' }], 'sts:AssumeRole', true],
    [
      'Deny on arn:aws:iam::*:policy/* only',
      [{ Effect: 'Deny', Action: 'iam:*', Resource: 'arn:aws:iam::*:policy/*' }],
      'iam:PutRolePolicy',
      false,
    ],
    ['Deny iam:*Policy* on *', [{ Effect: 'Deny', Action: 'iam:*Policy*', Resource: '*' }], 'iam:CreatePolicyVersion', true],
    ['an Allow is no Deny', [{ Effect: 'Allow', Action: '*', Resource: '*' }], 'sts:AssumeRole', false],
  ])('%s -> %s', (_name, statements, action, want) => {
    expect(explicitlyDenies(doc('b', ...statements), action) !== undefined).toBe(want);
  });

  it('checks a narrower resource when given', () => {
    const p = doc('b', { Effect: 'Deny', Action: 'iam:*', Resource: 'arn:aws:iam::*:policy/*' });
    expect(explicitlyDenies(p, 'iam:CreatePolicyVersion', 'arn:aws:iam::123456789012:policy/x')).toMatchObject({ index: 0 });
  });

  it('an unknown action counts as a grant in an Allow and as no guarantee in a Deny', () => {
    const u = new Unknown('var.actions is not known statically');
    const deny = doc('b', { Effect: 'Deny', Action: u, Resource: '*' });
    expect(explicitlyDenies(deny, 'sts:AssumeRole')).toBeUndefined();
    const allow = doc('p', { Effect: 'Allow', Action: [u], Resource: '*' });
    expect(effectivePermission([allow], undefined, 'sts:AssumeRole', '*').decision).toBe('allowed');
    expect(effectivePermission([allow], deny, 'sts:AssumeRole', '*').decision).toBe('implicit-deny');
  });

  it('an unknown resource makes a Deny no guarantee', () => {
    const deny = doc('b', { Effect: 'Deny', Action: 'sts:*', Resource: new Unknown('var.arns') });
    expect(explicitlyDenies(deny, 'sts:AssumeRole')).toBeUndefined();
  });

  describe('bucket policy (Principal)', () => {
    const deleteDeny = (extra: Record<string, Value>) =>
      doc('aws_s3_bucket_policy.trail.policy', {
        Sid: 'NoDelete',
        Effect: 'Deny',
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        Resource: 'arn:aws:s3:::ztait-trail/*',
        ...extra,
      });
    const objects = 'arn:aws:s3:::ztait-trail/*';
    it.each<[string, Record<string, Value>, boolean]>([
      ['Principal *', { Principal: '*' }, true],
      ['Principal {AWS: *}', { Principal: { AWS: '*' } }, true],
      ['Principal {AWS: [*]}', { Principal: { AWS: ['*'] } }, true],
      ['Principal one role', { Principal: { AWS: 'arn:aws:iam::1:role/x' } }, false],
      ['Principal a service', { Principal: { Service: 'cloudtrail.amazonaws.com' } }, false],
      ['NotPrincipal', { NotPrincipal: { AWS: 'arn:aws:iam::1:root' } }, false],
      [
        'Principal * with an ArnNotLike exception',
        { Principal: '*', Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin' } } },
        false,
      ],
    ])('Deny s3:DeleteObject with %s -> %s', (_name, extra, want) => {
      const p = deleteDeny(extra);
      expect(explicitlyDenies(p, 's3:DeleteObject', objects) !== undefined).toBe(want);
      expect(explicitlyDenies(p, 's3:DeleteObjectVersion', objects) !== undefined).toBe(want);
      expect(principalIsEveryone(p.statements[0]!)).toBe(want || 'Condition' in extra);
    });
    it('a Deny scoped to the objects is no guarantee for every resource', () => {
      expect(explicitlyDenies(deleteDeny({ Principal: '*' }), 's3:DeleteObject')).toBeUndefined();
    });
  });

  it('principalIsEveryone is false for identity statements', () => {
    expect(principalIsEveryone(st({ Effect: 'Deny', Action: '*', Resource: '*' }))).toBe(false);
  });
});

describe('allowsOf', () => {
  const p = doc(
    'secret_read',
    { Sid: 'Own', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:secretsmanager:*:*:secret:ztait/slack-*' },
    { Sid: 'Deny', Effect: 'Deny', Action: '*', Resource: '*' },
    { Sid: 'Any', Effect: 'Allow', Action: 'secretsmanager:*', Resource: '*', Condition: { StringEquals: { 'aws:x': 'y' } } },
  );
  it('lists Allow statements that may grant, conditional ones included, Denies never', () => {
    expect(allowsOf(p, 'secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:us-east-1:1:secret:ztait/pagerduty-AbC')).toEqual([
      { origin: 'secret_read', sid: 'Any', index: 2, effect: 'Allow', conditional: true },
    ]);
    expect(allowsOf(p, 'secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:*:*:secret:ztait/slack-*').map((g) => g.sid)).toEqual([
      'Own',
      'Any',
    ]);
    expect(allowsOf(p, 's3:GetObject', '*')).toEqual([]);
  });
  it('filters by principal in resource policies', () => {
    const bucket = doc(
      'bucket',
      {
        Sid: 'Trail',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::t/*',
      },
      { Sid: 'Acct', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:*', Resource: 'arn:aws:s3:::t/*' },
      { Sid: 'NotMe', Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:role/me' }, Action: 's3:*', Resource: '*' },
    );
    const sids = (who?: string) => allowsOf(bucket, 's3:PutObject', 'arn:aws:s3:::t/k', who).map((g) => g.sid);
    expect(sids()).toEqual(['Trail', 'Acct', 'NotMe']);
    expect(sids('cloudtrail.amazonaws.com')).toEqual(['Trail', 'NotMe']);
    expect(sids('arn:aws:iam::123456789012:role/me')).toEqual(['Acct']);
    expect(sids('arn:aws:iam::999999999999:role/other')).toEqual(['NotMe']);
  });
});
