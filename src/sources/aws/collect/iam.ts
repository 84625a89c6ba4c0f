import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoles,
  type Role,
} from '@aws-sdk/client-iam';
import { Unknown, type Value } from '../../../model/value.js';
import { inScope, unknownFrom, type InventoryTerm } from '../builder.js';
import { boundaryOf, decodePolicyDocument, mapAttachment, mapPolicy, mapRole, roleTags, type InlinePolicy } from '../map/iam.js';
import { allPages, attempt, uniq, type CollectContext } from './context.js';

const IAM_TYPES: InventoryTerm[] = ['aws_iam_role', 'aws_iam_role_policy_attachment', 'aws_iam_policy'];

export interface ScopedRole {
  name: string;
  arn: string;
}

/**
 * Roles in the namespace (name, `ztait:system` tag) and the roles in-scope functions run as, with
 * their boundaries, inline policies, attachments, and the documents of every attached or boundary
 * policy (AWS managed ones included).
 */
export async function collectIam(ctx: CollectContext, referencedRoleArns: readonly string[]): Promise<ScopedRole[]> {
  const { iam } = ctx.clients;
  const listed = await attempt(() => allPages(ctx, 'iam:ListRoles', paginateListRoles({ client: iam, pageSize: 100 }, {}), (p) => p.Roles));
  if (!listed.ok) {
    ctx.out.gap(IAM_TYPES, listed.failure);
    return [];
  }
  const referenced = new Set(referencedRoleArns);
  for (const arn of referenced) {
    if (!listed.value.some((r) => r.Arn === arn))
      ctx.out.limitation(
        `role ${arn} used by a function is not in this account's role list: its policies cannot be read, so SI-3, SI-4 and SI-7 are error for that function`,
      );
  }

  const scoped = (
    await Promise.all(
      listed.value.map(async (listedRole) => {
        const named = inScope(listedRole.RoleName, undefined, ctx.prefix) || referenced.has(listedRole.Arn ?? '');
        // Service-linked roles belong to AWS services, not to the system.
        if (!named && (listedRole.Path ?? '').startsWith('/aws-service-role/')) return undefined;
        const got = await attempt(() => iam.send(new GetRoleCommand({ RoleName: listedRole.RoleName })));
        if (!got.ok) {
          if (!named) {
            ctx.out.gap(['aws_iam_role'], `${got.failure.reason}: cannot tell whether role ${listedRole.RoleName} is in the namespace`);
            return undefined;
          }
          ctx.out.gap(['aws_iam_role.permissions_boundary'], got.failure);
          return { role: listedRole, boundary: unknownFrom(got.failure) as Value, tags: unknownFrom(got.failure) as Value };
        }
        const role = got.value.Role ?? listedRole;
        const tags = roleTags(role);
        if (!named && !inScope(role.RoleName, tags, ctx.prefix)) return undefined;
        return { role, boundary: boundaryOf(role) as Value, tags: tags as Value };
      }),
    )
  ).filter((x): x is { role: Role; boundary: Value; tags: Value } => x !== undefined);

  const policyArns = new Set<string>();
  await Promise.all(
    scoped.map(async ({ role, boundary, tags }) => {
      const name = role.RoleName ?? '';
      const [inline, attached] = await Promise.all([inlinePolicies(ctx, name), attachedPolicies(ctx, name)]);
      if (typeof boundary === 'string') policyArns.add(boundary);
      ctx.out.add(mapRole(role, { boundary, tags, inline }));
      if (attached.ok) {
        for (const arn of attached.value) {
          policyArns.add(arn);
          ctx.out.add(mapAttachment(name, arn));
        }
      } else {
        ctx.out.gap(['aws_iam_role_policy_attachment'], attached.failure);
      }
    }),
  );
  await Promise.all([...policyArns].sort().map((arn) => collectPolicy(ctx, arn)));
  return scoped.map(({ role }) => ({ name: role.RoleName ?? '', arn: role.Arn ?? '' }));
}

async function inlinePolicies(ctx: CollectContext, roleName: string): Promise<InlinePolicy[] | Unknown> {
  const { iam } = ctx.clients;
  const names = await attempt(() =>
    allPages(ctx, 'iam:ListRolePolicies', paginateListRolePolicies({ client: iam }, { RoleName: roleName }), (p) => p.PolicyNames),
  );
  if (!names.ok) {
    ctx.out.gap(['aws_iam_role.inline_policy'], names.failure);
    return unknownFrom(names.failure);
  }
  return Promise.all(
    uniq(names.value)
      .sort()
      .map(async (policyName): Promise<InlinePolicy> => {
        const doc = await attempt(() => iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })));
        if (!doc.ok) ctx.out.gap(['aws_iam_role.inline_policy'], doc.failure);
        return { name: policyName, policy: doc.ok ? decodePolicyDocument(doc.value.PolicyDocument) : unknownFrom(doc.failure) };
      }),
  );
}

async function attachedPolicies(ctx: CollectContext, roleName: string) {
  return attempt(async () =>
    uniq(
      (
        await allPages(
          ctx,
          'iam:ListAttachedRolePolicies',
          paginateListAttachedRolePolicies({ client: ctx.clients.iam }, { RoleName: roleName }),
          (p) => p.AttachedPolicies,
        )
      )
        .map((p) => p.PolicyArn ?? '')
        .filter(Boolean),
    ).sort(),
  );
}

async function collectPolicy(ctx: CollectContext, arn: string): Promise<void> {
  const { iam } = ctx.clients;
  const meta = await attempt(() => iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  if (!meta.ok) {
    ctx.out.gap(['aws_iam_policy.policy'], meta.failure);
    ctx.out.add(mapPolicy(arn, undefined, unknownFrom(meta.failure)));
    return;
  }
  const policy = meta.value.Policy;
  const versionId = policy?.DefaultVersionId;
  if (!versionId) {
    ctx.out.add(mapPolicy(arn, policy, new Unknown(`iam:GetPolicy of ${arn} names no default version`)));
    return;
  }
  const version = await attempt(() => iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId })));
  if (!version.ok) ctx.out.gap(['aws_iam_policy.policy'], version.failure);
  ctx.out.add(
    mapPolicy(arn, policy, version.ok ? decodePolicyDocument(version.value.PolicyVersion?.Document) : unknownFrom(version.failure)),
  );
}
