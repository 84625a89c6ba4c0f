import type { SecretListEntry } from '@aws-sdk/client-secrets-manager';
import type { ParameterMetadata } from '@aws-sdk/client-ssm';
import type { Value } from '../../../model/value.js';
import { tagMap, type LiveResourceSpec } from '../builder.js';

/**
 * A secret's metadata (ListSecrets entry; values are never read) as `aws_secretsmanager_secret`, and
 * its rotation as `aws_secretsmanager_secret_rotation` when rotation is enabled.
 */
export function mapSecret(s: SecretListEntry): LiveResourceSpec[] {
  const arn = s.ARN ?? '';
  const name = s.Name ?? '';
  const out: LiveResourceSpec[] = [
    {
      type: 'aws_secretsmanager_secret',
      key: name,
      arn,
      values: { id: arn, arn, name, description: s.Description ?? null, kms_key_id: s.KmsKeyId ?? null, tags: tagMap(s.Tags) },
    },
  ];
  if (s.RotationEnabled) {
    const rules = s.RotationRules ?? {};
    out.push({
      type: 'aws_secretsmanager_secret_rotation',
      key: name,
      arn,
      values: {
        id: arn,
        secret_id: arn,
        rotation_enabled: true,
        rotation_lambda_arn: s.RotationLambdaARN ?? null,
        rotation_rules: [
          {
            automatically_after_days: rules.AutomaticallyAfterDays ?? null,
            schedule_expression: rules.ScheduleExpression ?? null,
            duration: rules.Duration ?? null,
          },
        ],
      },
    });
  }
  return out;
}

/** An SSM parameter's metadata as `aws_ssm_parameter`; `value` is read only for String types. */
export function mapParameter(p: ParameterMetadata, value: Value, tags?: Record<string, string>): LiveResourceSpec {
  const name = p.Name ?? '';
  const arn = p.ARN ?? '';
  return {
    type: 'aws_ssm_parameter',
    key: name,
    ...(arn ? { arn } : {}),
    values: {
      id: name,
      name,
      arn: arn || null,
      type: p.Type ?? null,
      tier: p.Tier ?? null,
      data_type: p.DataType ?? null,
      description: p.Description ?? null,
      key_id: p.KeyId ?? null,
      value,
      ...(tags ? { tags } : {}),
    },
  };
}
