import { paginateListSecrets } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ListTagsForResourceCommand, paginateDescribeParameters, type ParameterMetadata } from '@aws-sdk/client-ssm';
import { Unknown, type Value } from '../../../model/value.js';
import { inScope, ssmNameInScope, tagMap, unknownFrom } from '../builder.js';
import { mapParameter, mapSecret } from '../map/secrets.js';
import { allPages, attempt, type CollectContext } from './context.js';

/** Secrets in the namespace with their rotation. ListSecrets carries tags and rotation; values are never read. */
export async function collectSecrets(ctx: CollectContext): Promise<void> {
  const listed = await attempt(() =>
    allPages(
      ctx,
      'secretsmanager:ListSecrets',
      paginateListSecrets({ client: ctx.clients.secrets, pageSize: 100 }, { IncludePlannedDeletion: false }),
      (p) => p.SecretList,
    ),
  );
  if (!listed.ok) {
    ctx.out.gap(['aws_secretsmanager_secret', 'aws_secretsmanager_secret_rotation'], listed.failure);
    return;
  }
  for (const s of listed.value) {
    if (inScope(s.Name, tagMap(s.Tags), ctx.prefix)) for (const spec of mapSecret(s)) ctx.out.add(spec);
  }
}

/**
 * SSM parameters in the namespace (SI-14 looks for prompts there). String values are read; a
 * SecureString's value is never read, so it stays unknown.
 */
export async function collectParameters(ctx: CollectContext): Promise<void> {
  const { ssm } = ctx.clients;
  const listed = await attempt(() =>
    allPages(ctx, 'ssm:DescribeParameters', paginateDescribeParameters({ client: ssm, pageSize: 50 }, {}), (p) => p.Parameters),
  );
  if (!listed.ok) {
    ctx.out.gap(['aws_ssm_parameter'], listed.failure);
    return;
  }
  await Promise.all(
    listed.value.map(async (p) => {
      const name = p.Name ?? '';
      let tags: Record<string, string> | undefined;
      if (!ssmNameInScope(name, ctx.prefix)) {
        const t = await attempt(() => ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: name })));
        if (!t.ok) {
          ctx.out.gap(['aws_ssm_parameter'], `${t.failure.reason}: cannot tell whether parameter ${name} is in the namespace`);
          return;
        }
        tags = tagMap(t.value.TagList);
        if (!inScope(undefined, tags, ctx.prefix)) return;
      }
      ctx.out.add(mapParameter(p, await parameterValue(ctx, p), tags));
    }),
  );
}

async function parameterValue(ctx: CollectContext, p: ParameterMetadata): Promise<Value> {
  if (p.Type !== 'String' && p.Type !== 'StringList')
    return new Unknown(`${p.Type ?? 'unknown-type'} parameter ${p.Name}: its value is never read by the probe`);
  const got = await attempt(() => ctx.clients.ssm.send(new GetParameterCommand({ Name: p.Name, WithDecryption: false })));
  if (!got.ok) ctx.out.gap(['aws_ssm_parameter.value'], got.failure);
  return got.ok ? (got.value.Parameter?.Value ?? null) : unknownFrom(got.failure);
}
