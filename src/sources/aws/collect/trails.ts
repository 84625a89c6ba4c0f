import { DescribeTrailsCommand, GetTrailStatusCommand, paginateListTags, type Trail } from '@aws-sdk/client-cloudtrail';
import { GetBucketPolicyCommand, GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import { Unknown, type Value } from '../../../model/value.js';
import { inScope, tagMap, unknownFrom, type InventoryTerm } from '../builder.js';
import { mapBucket, mapBucketPolicy, mapBucketVersioning, mapTrail } from '../map/storage.js';
import { allPages, attempt, chunks, uniq, type CollectContext } from './context.js';

const TRAIL_TYPES: InventoryTerm[] = ['aws_cloudtrail', 'aws_s3_bucket', 'aws_s3_bucket_policy', 'aws_s3_bucket_versioning'];

/** Trails in the namespace (with shadow copies of multi-region trails), their status, and their buckets. */
export async function collectTrails(ctx: CollectContext): Promise<void> {
  const { cloudtrail } = ctx.clients;
  const described = await attempt(() => cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true })));
  if (!described.ok) {
    ctx.out.gap(TRAIL_TYPES, described.failure);
    return;
  }
  const trails = [...(described.value.trailList ?? [])].sort((a, b) => (a.TrailARN ?? '').localeCompare(b.TrailARN ?? ''));
  const unnamed = trails.filter((t) => !inScope(t.Name, undefined, ctx.prefix) && t.TrailARN);
  const tagsByArn = new Map<string, Record<string, string>>();
  for (const chunk of chunks(
    unnamed.map((t) => t.TrailARN!),
    20,
  )) {
    const listed = await attempt(() =>
      allPages(ctx, 'cloudtrail:ListTags', paginateListTags({ client: cloudtrail }, { ResourceIdList: chunk }), (p) => p.ResourceTagList),
    );
    if (!listed.ok) {
      ctx.out.gap(['aws_cloudtrail'], `${listed.failure.reason}: cannot tell whether trail(s) ${chunk.join(', ')} are in the namespace`);
      continue;
    }
    for (const r of listed.value) if (r.ResourceId) tagsByArn.set(r.ResourceId, tagMap(r.TagsList));
  }
  const scoped = trails.filter((t) => inScope(t.Name, tagsByArn.get(t.TrailARN ?? ''), ctx.prefix));
  await Promise.all(scoped.map((t) => collectTrail(ctx, t, tagsByArn.get(t.TrailARN ?? ''))));
  const buckets = uniq(scoped.map((t) => t.S3BucketName ?? '').filter(Boolean)).sort();
  await Promise.all(buckets.map((b) => collectBucket(ctx, b)));
}

async function collectTrail(ctx: CollectContext, t: Trail, tags?: Record<string, string>): Promise<void> {
  const status = await attempt(() => ctx.clients.cloudtrail.send(new GetTrailStatusCommand({ Name: t.TrailARN ?? t.Name })));
  if (!status.ok) ctx.out.gap(['aws_cloudtrail.enable_logging'], status.failure);
  const logging: Value = status.ok ? (status.value.IsLogging ?? false) : unknownFrom(status.failure);
  ctx.out.add(mapTrail(t, logging, tags));
}

/** The trail bucket's policy and versioning. A bucket that does not exist is said so, not invented. */
async function collectBucket(ctx: CollectContext, bucket: string): Promise<void> {
  const { s3 } = ctx.clients;
  const [policy, versioning] = await Promise.all([
    attempt(() => s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))),
    attempt(() => s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))),
  ]);
  const missing = [policy, versioning].find((r) => !r.ok && r.failure.code === 'NoSuchBucket');
  if (missing) {
    ctx.out.limitation(`trail bucket ${bucket} does not exist (s3 answered NoSuchBucket)`);
    return;
  }
  ctx.out.add(mapBucket(bucket, ctx.partition));
  if (policy.ok) {
    ctx.out.add(
      mapBucketPolicy(bucket, ctx.partition, policy.value.Policy ?? new Unknown(`s3:GetBucketPolicy of ${bucket} returned no policy`)),
    );
  } else if (policy.failure.code !== 'NoSuchBucketPolicy') {
    ctx.out.gap(['aws_s3_bucket_policy'], policy.failure);
    ctx.out.add(mapBucketPolicy(bucket, ctx.partition, unknownFrom(policy.failure)));
  }
  if (versioning.ok) {
    ctx.out.add(
      mapBucketVersioning(bucket, ctx.partition, versioning.value.Status ?? 'Disabled', versioning.value.MFADelete ?? 'Disabled'),
    );
  } else {
    ctx.out.gap(['aws_s3_bucket_versioning'], versioning.failure);
    const u = unknownFrom(versioning.failure);
    ctx.out.add(mapBucketVersioning(bucket, ctx.partition, u, u));
  }
}
