import type { ContinuousBackupsDescription, TableDescription, TimeToLiveDescription } from '@aws-sdk/client-dynamodb';
import { Unknown, type Value, type ValueObject } from '../../../model/value.js';
import type { LiveResourceSpec } from '../builder.js';

/**
 * Encryption at rest as SI-5 means it: enabled only when DynamoDB reports SSE ENABLED with a KMS key
 * (AWS managed or customer managed). No SSEDescription means the default AWS-owned key, which
 * Terraform also shows as not enabled. A transitional status decides nothing yet.
 */
export function sseBlock(table: TableDescription): ValueObject[] | Unknown {
  const sse = table.SSEDescription;
  if (!sse || !sse.Status) return [{ enabled: false, kms_key_arn: '' }];
  if (sse.Status === 'ENABLED') return [{ enabled: sse.SSEType === 'KMS', kms_key_arn: sse.KMSMasterKeyArn ?? '' }];
  if (sse.Status === 'DISABLED') return [{ enabled: false, kms_key_arn: '' }];
  return new Unknown(`table ${table.TableName}: SSE status ${sse.Status} is transitional`);
}

export function pitrBlock(cb: ContinuousBackupsDescription | undefined): ValueObject[] {
  const status = cb?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
  return [{ enabled: status === 'ENABLED' }];
}

export function ttlBlock(tableName: string, ttl: TimeToLiveDescription | undefined): ValueObject[] | Unknown {
  const status = ttl?.TimeToLiveStatus;
  if (status === 'ENABLED') return [{ attribute_name: ttl?.AttributeName ?? '', enabled: true }];
  if (status === 'ENABLING' || status === 'DISABLING') return new Unknown(`table ${tableName}: TTL status ${status} is transitional`);
  return [{ attribute_name: '', enabled: false }];
}

/** A table as Terraform's `aws_dynamodb_table`; each block is given, or an Unknown naming the failed call. */
export function mapTable(
  table: TableDescription,
  blocks: { sse: Value; pitr: Value; ttl: Value },
  tags?: Record<string, string>,
): LiveResourceSpec {
  const name = table.TableName ?? '';
  const arn = table.TableArn ?? '';
  const key = (t: string): string | null => table.KeySchema?.find((k) => k.KeyType === t)?.AttributeName ?? null;
  return {
    type: 'aws_dynamodb_table',
    key: name,
    arn,
    values: {
      id: name,
      name,
      arn,
      hash_key: key('HASH'),
      range_key: key('RANGE'),
      billing_mode: table.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
      stream_enabled: table.StreamSpecification?.StreamEnabled ?? false,
      deletion_protection_enabled: table.DeletionProtectionEnabled ?? false,
      server_side_encryption: blocks.sse,
      point_in_time_recovery: blocks.pitr,
      ttl: blocks.ttl,
      ...(tags ? { tags } : {}),
    },
  };
}
