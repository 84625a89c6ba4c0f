/**
 * The IAM actions the invariants forbid a role, named once for the rules that judge them (SI-3,
 * SI-4, SI-7) and for the live source's cross-check of those rules with the AWS policy simulator,
 * and the resource types SI-3's and SI-4's actions act on.
 */

/** SI-3: no role can assume other roles. */
export const ASSUME_ROLE_ACTIONS = ['sts:AssumeRole'] as const;

/** SI-4: no role can modify IAM policies (the write actions the spec lists). */
export const IAM_POLICY_WRITE_ACTIONS = [
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
] as const;

/** SI-7: no role can delete from the audit table. PartiQL DELETE is a delete through the API as well. */
export const AUDIT_DELETE_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteTable',
  'dynamodb:PartiQLDelete',
] as const;

// ---------------------------------------------------------------- resource types

/**
 * ARNs of the IAM resource types, as globs. The partition is left open: a grant on
 * `arn:aws-cn:iam::*:role/*` is one where the account lives in aws-cn, and a checker that does not
 * know the partition counts it.
 */
const IAM_ROLE = 'arn:*:iam::*:role/*';
const IAM_POLICY = 'arn:*:iam::*:policy/*';

/**
 * The resource types each action above acts on (the "Resource types" column of the AWS Service
 * Authorization Reference for IAM and STS), as ARN globs, keyed by the action in lower case. A
 * statement whose Resource cannot match one of them grants nothing for the action: `Allow *` on
 * `arn:aws:s3:::*` lets no one assume a role. The boundary side is not read through this: the
 * boundary must still deny on "*".
 */
const RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  'sts:assumerole': [IAM_ROLE],
  'iam:createpolicy': [IAM_POLICY],
  'iam:createpolicyversion': [IAM_POLICY],
  'iam:deletepolicy': [IAM_POLICY],
  'iam:setdefaultpolicyversion': [IAM_POLICY],
  'iam:putrolepolicy': [IAM_ROLE],
  'iam:deleterolepolicy': [IAM_ROLE],
  'iam:attachrolepolicy': [IAM_ROLE],
  'iam:detachrolepolicy': [IAM_ROLE],
  'iam:putrolepermissionsboundary': [IAM_ROLE],
  'iam:deleterolepermissionsboundary': [IAM_ROLE],
};

/**
 * The ARNs `action` can act on, as globs to ask the evaluator about (roleMay): one per resource
 * type. `["*"]` for an action this table does not know (any resource may be its).
 */
export function resourceTypesOf(action: string): readonly string[] {
  const key = action.toLowerCase();
  return Object.hasOwn(RESOURCE_TYPES, key) ? RESOURCE_TYPES[key]! : ['*'];
}
