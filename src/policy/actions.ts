/**
 * The IAM actions the invariants forbid a role, named once for the rules that judge them (SI-3,
 * SI-4, SI-7) and for the live source's cross-check of those rules with the AWS policy simulator.
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
