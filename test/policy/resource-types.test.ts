/**
 * The resource types SI-3's and SI-4's actions act on (src/policy/actions.ts), and the grants they
 * let the evaluator see: a statement whose Resource cannot match an ARN of the action's types grants
 * nothing for it (`Allow *` on S3 ARNs assumes no role); `*`, a role pattern, `arn:aws:*:*`, a
 * NotResource and a partly unknown pattern still can.
 */
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../src/model/inventory.js';
import { Unknown, type Value } from '../../src/model/value.js';
import { ASSUME_ROLE_ACTIONS, IAM_POLICY_WRITE_ACTIONS, resourceTypesOf } from '../../src/policy/actions.js';
import { arnsOverlap } from '../../src/policy/match.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { roleMay, type RolePolicies } from '../../src/policy/roles.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/ztait-triage';
const POLICY_ARN = 'arn:aws:iam::123456789012:policy/ztait-boundary';
const ROLE_ACTIONS = [
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
];
const POLICY_ACTIONS = ['iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:SetDefaultPolicyVersion'];

describe('resourceTypesOf', () => {
  it('knows every action SI-3 and SI-4 forbid, by the resource type AWS documents for it', () => {
    expect([...ROLE_ACTIONS, ...POLICY_ACTIONS].sort()).toEqual([...IAM_POLICY_WRITE_ACTIONS].sort());
    const typeOf = (a: string) =>
      resourceTypesOf(a).map((t) => (arnsOverlap(t, ROLE_ARN) ? 'role' : arnsOverlap(t, POLICY_ARN) ? 'policy' : t));
    for (const a of [...ASSUME_ROLE_ACTIONS, ...ROLE_ACTIONS]) expect(typeOf(a), a).toEqual(['role']);
    for (const a of POLICY_ACTIONS) expect(typeOf(a), a).toEqual(['policy']);
  });

  it('reads actions case-insensitively, as IAM does, and leaves an action it does not know on "*"', () => {
    expect(resourceTypesOf('STS:assumerole')).toEqual(resourceTypesOf('sts:AssumeRole'));
    expect(resourceTypesOf('s3:GetObject')).toEqual(['*']);
    expect(resourceTypesOf('constructor')).toEqual(['*']);
  });

  it('leaves the partition and the account open: role ARNs of any partition and path match', () => {
    const [role] = resourceTypesOf('sts:AssumeRole');
    for (const arn of [ROLE_ARN, 'arn:aws-cn:iam::123456789012:role/x', 'arn:aws-us-gov:iam::1:role/service-role/path/x']) {
      expect(arnsOverlap(arn, role!), arn).toBe(true);
    }
    for (const arn of [POLICY_ARN, 'arn:aws:s3:::ztait-trail', 'arn:aws:sts::123456789012:assumed-role/x/y']) {
      expect(arnsOverlap(arn, role!), arn).toBe(false);
    }
  });
});

const role: Resource = { address: 'aws_iam_role.r', mode: 'managed', type: 'aws_iam_role', name: 'r', module: '', values: {} };

/** A role whose only (identity) policy has one statement, no boundary. */
function roleWith(statement: Record<string, Value>): RolePolicies {
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: [statement] }, 'identity');
  if (!parsed.ok) throw new Error(parsed.error);
  return { role, identity: [parsed.policy], unreadable: [], floating: [], boundary: { kind: 'none' } };
}

/** What roleMay says for `action` on the ARNs of its resource types (allowed wins, as a rule reads it). */
function onTypes(rp: RolePolicies, action: string): string {
  const ds = resourceTypesOf(action).map((on) => roleMay(rp, action, on).decision);
  return ds.includes('allowed') ? 'allowed' : ds.includes('unknown') ? 'unknown' : ds[0]!;
}

const unknownPart = (pattern: string) => new Unknown('built from a value not known statically', { pattern });

describe('grants judged on the ARNs the action acts on', () => {
  it.each<[string, Value, string, 'allowed' | 'implicit-deny']>([
    [
      'Allow * on S3 and DynamoDB ARNs',
      ['arn:aws:s3:::ztait-*', 'arn:aws:dynamodb:*:*:table/ztait-dedup'],
      'sts:AssumeRole',
      'implicit-deny',
    ],
    ['Allow * on every S3 object', 'arn:aws:s3:::*/*', 'iam:PutRolePolicy', 'implicit-deny'],
    ['Allow * on a partly unknown bucket', unknownPart('arn:aws:s3:::*'), 'iam:CreatePolicy', 'implicit-deny'],
    ['Allow * on policy ARNs, for a role action', 'arn:aws:iam::*:policy/*', 'iam:AttachRolePolicy', 'implicit-deny'],
    ['Allow * on role ARNs, for a policy action', 'arn:aws:iam::*:role/*', 'iam:CreatePolicyVersion', 'implicit-deny'],
    ['Allow * on assumed-role sessions', 'arn:aws:sts::*:assumed-role/*', 'sts:AssumeRole', 'implicit-deny'],
    ['Allow * on "*"', '*', 'sts:AssumeRole', 'allowed'],
    ['Allow * on a role pattern', 'arn:aws:iam::*:role/ztait-*', 'sts:AssumeRole', 'allowed'],
    ['Allow * on one role of another partition', 'arn:aws-cn:iam::123456789012:role/x', 'iam:PutRolePolicy', 'allowed'],
    ['Allow * on a policy pattern', 'arn:aws:iam::*:policy/ztait-*', 'iam:SetDefaultPolicyVersion', 'allowed'],
    ['Allow * on every ARN of a partition', 'arn:aws:*:*', 'iam:DeleteRolePermissionsBoundary', 'allowed'],
    ['Allow * on IAM ARNs', 'arn:aws:iam::*:*', 'iam:DeletePolicy', 'allowed'],
    ['Allow * on a role whose account is unknown', unknownPart('arn:aws:iam::*:role/app'), 'sts:AssumeRole', 'allowed'],
    ['Allow * on a fully unknown ARN', new Unknown('var.target_arn has no value'), 'sts:AssumeRole', 'allowed'],
  ])('%s: %s -> %s', (_name, resource, action, want) => {
    expect(onTypes(roleWith({ Effect: 'Allow', Action: '*', Resource: resource }), action)).toBe(want);
  });

  it('a NotResource grants on whatever it does not exclude', () => {
    expect(onTypes(roleWith({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::*' }), 'sts:AssumeRole')).toBe('allowed');
    expect(onTypes(roleWith({ Effect: 'Allow', Action: '*', NotResource: 'arn:*:iam::*:role/*' }), 'sts:AssumeRole')).toBe('implicit-deny');
    // Excluding the roles of one partition leaves the others.
    expect(onTypes(roleWith({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:iam::*:role/*' }), 'sts:AssumeRole')).toBe('allowed');
  });

  it('the grants found are the statements that reach the type, whatever else they list', () => {
    const rp = roleWith({ Effect: 'Allow', Action: 'iam:*', Resource: ['arn:aws:s3:::b', 'arn:aws:iam::*:policy/ztait-*'] });
    const [on] = resourceTypesOf('iam:CreatePolicy');
    expect(roleMay(rp, 'iam:CreatePolicy', on!).grants).toMatchObject([{ origin: 'identity', index: 0 }]);
    expect(onTypes(rp, 'iam:PutRolePolicy')).toBe('implicit-deny');
  });
});
