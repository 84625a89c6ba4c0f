import type { Policy, Role } from '@aws-sdk/client-iam';
import { Unknown, type Value, type ValueObject } from '../../../model/value.js';
import { tagMap, type LiveResourceSpec } from '../builder.js';

/**
 * IAM returns policy documents URL-encoded (RFC 3986). Some emulators return them raw: a document
 * that already looks like JSON is kept as it is.
 */
export function decodePolicyDocument(doc: string | undefined | null): string | null {
  if (doc === undefined || doc === null) return null;
  if (/^\s*[{[]/.test(doc)) return doc;
  try {
    return decodeURIComponent(doc);
  } catch {
    return doc;
  }
}

export interface InlinePolicy {
  name: string;
  /** The decoded document, or an Unknown naming the failed call. */
  policy: Value;
}

/** A role (GetRole, or ListRoles when GetRole failed) as Terraform's `aws_iam_role`. */
export function mapRole(role: Role, detail: { boundary: Value; tags: Value; inline: InlinePolicy[] | Unknown }): LiveResourceSpec {
  const name = role.RoleName ?? '';
  const arn = role.Arn ?? '';
  const values: ValueObject = {
    id: name,
    name,
    arn,
    unique_id: role.RoleId ?? null,
    path: role.Path ?? '/',
    description: role.Description ?? null,
    max_session_duration: role.MaxSessionDuration ?? null,
    assume_role_policy: decodePolicyDocument(role.AssumeRolePolicyDocument),
    permissions_boundary: detail.boundary,
    inline_policy: detail.inline instanceof Unknown ? detail.inline : detail.inline.map((p) => ({ name: p.name, policy: p.policy })),
    tags: detail.tags,
  };
  return { type: 'aws_iam_role', key: name, arn, values };
}

/** The boundary ARN a GetRole answer shows (null: the role has none). */
export function boundaryOf(role: Role): string | null {
  return role.PermissionsBoundary?.PermissionsBoundaryArn ?? null;
}

export function roleTags(role: Role): Record<string, string> {
  return tagMap(role.Tags);
}

export function mapAttachment(roleName: string, policyArn: string): LiveResourceSpec {
  const key = `${roleName}--${policyArn.split('/').pop() ?? policyArn}`;
  return { type: 'aws_iam_role_policy_attachment', key, values: { id: key, role: roleName, policy_arn: policyArn } };
}

/** A managed policy (customer or AWS) with its default version's document in `policy`. */
export function mapPolicy(arn: string, policy: Policy | undefined, document: Value): LiveResourceSpec {
  const name = policy?.PolicyName ?? arn.split('/').pop() ?? arn;
  return {
    type: 'aws_iam_policy',
    key: name,
    arn,
    values: {
      id: arn,
      arn,
      name,
      path: policy?.Path ?? null,
      description: policy?.Description ?? null,
      default_version_id: policy?.DefaultVersionId ?? null,
      aws_managed: /^arn:[^:]+:iam::aws:policy\//.test(arn),
      policy: document,
    },
  };
}
