import type { Trail } from '@aws-sdk/client-cloudtrail';
import type { Value } from '../../../model/value.js';
import type { LiveResourceSpec } from '../builder.js';

/** A trail (DescribeTrails entry) as Terraform's `aws_cloudtrail`; `enable_logging` from GetTrailStatus. */
export function mapTrail(t: Trail, enableLogging: Value, tags?: Record<string, string>): LiveResourceSpec {
  const name = t.Name ?? '';
  const arn = t.TrailARN ?? '';
  return {
    type: 'aws_cloudtrail',
    key: name,
    arn,
    values: {
      id: arn || name,
      name,
      arn,
      s3_bucket_name: t.S3BucketName ?? null,
      s3_key_prefix: t.S3KeyPrefix ?? null,
      is_multi_region_trail: t.IsMultiRegionTrail ?? false,
      is_organization_trail: t.IsOrganizationTrail ?? false,
      include_global_service_events: t.IncludeGlobalServiceEvents ?? false,
      enable_log_file_validation: t.LogFileValidationEnabled ?? false,
      kms_key_id: t.KmsKeyId ?? null,
      home_region: t.HomeRegion ?? null,
      enable_logging: enableLogging,
      ...(tags ? { tags } : {}),
    },
  };
}

export const bucketArn = (partition: string, bucket: string): string => `arn:${partition}:s3:::${bucket}`;

export function mapBucket(bucket: string, partition: string): LiveResourceSpec {
  const arn = bucketArn(partition, bucket);
  return { type: 'aws_s3_bucket', key: bucket, arn, values: { id: bucket, bucket, arn } };
}

export function mapBucketPolicy(bucket: string, partition: string, policy: Value): LiveResourceSpec {
  return { type: 'aws_s3_bucket_policy', key: bucket, arn: bucketArn(partition, bucket), values: { id: bucket, bucket, policy } };
}

/** GetBucketVersioning omits Status for a bucket that never had versioning: Terraform calls that Disabled. */
export function mapBucketVersioning(bucket: string, partition: string, status: Value, mfaDelete: Value): LiveResourceSpec {
  return {
    type: 'aws_s3_bucket_versioning',
    key: bucket,
    arn: bucketArn(partition, bucket),
    values: { id: bucket, bucket, versioning_configuration: [{ status, mfa_delete: mfaDelete }] },
  };
}
