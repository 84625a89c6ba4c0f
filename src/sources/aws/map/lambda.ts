import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { Unknown, type Value, type ValueObject } from '../../../model/value.js';
import type { LiveResourceSpec } from '../builder.js';
import { toDict } from '../../../model/dict.js';

/**
 * The VPC a function runs in, as seen from its subnets and security groups (an emulator may report a
 * placeholder `VpcConfig.VpcId`): the one VPC they all belong to, or an Unknown saying why not.
 */
export function deriveVpcId(
  subnetIds: readonly string[],
  securityGroupIds: readonly string[],
  vpcOfSubnet: ReadonlyMap<string, string>,
  vpcOfGroup: ReadonlyMap<string, string>,
  lookupFailure?: string,
): Value {
  const vpcs = new Set<string>();
  const missing: string[] = [];
  for (const id of subnetIds) {
    const v = vpcOfSubnet.get(id);
    if (v) vpcs.add(v);
    else missing.push(id);
  }
  for (const id of securityGroupIds) {
    const v = vpcOfGroup.get(id);
    if (v) vpcs.add(v);
  }
  if (missing.length > 0 && lookupFailure) return new Unknown(`VPC of subnet(s) ${missing.join(', ')} not known: ${lookupFailure}`);
  if (vpcs.size === 1) return [...vpcs][0]!;
  if (vpcs.size > 1) return new Unknown(`subnets and security groups belong to different VPCs: ${[...vpcs].sort().join(', ')}`);
  return new Unknown(`subnet(s) ${missing.join(', ')} not found in the account`);
}

/** A Lambda function (ListFunctions entry) as Terraform's `aws_lambda_function`. */
export function mapFunction(
  fn: FunctionConfiguration,
  region: string,
  partition: string,
  vpcId: Value | undefined,
  tags?: Record<string, string>,
): LiveResourceSpec {
  const name = fn.FunctionName ?? '';
  const arn = fn.FunctionArn ?? '';
  const subnetIds = fn.VpcConfig?.SubnetIds ?? [];
  const groupIds = fn.VpcConfig?.SecurityGroupIds ?? [];
  const values: ValueObject = {
    id: name,
    function_name: name,
    arn,
    invoke_arn: `arn:${partition}:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
    role: fn.Role ?? null,
    handler: fn.Handler ?? null,
    runtime: fn.Runtime ?? null,
    package_type: fn.PackageType ?? 'Zip',
    timeout: fn.Timeout ?? null,
    memory_size: fn.MemorySize ?? null,
    kms_key_arn: fn.KMSKeyArn ?? null,
    // Terraform has no vpc_config block for a function outside any VPC.
    vpc_config:
      subnetIds.length > 0 || groupIds.length > 0
        ? [{ subnet_ids: [...subnetIds], security_group_ids: [...groupIds], vpc_id: vpcId ?? null }]
        : [],
    environment: environmentBlock(fn),
    ...(tags ? { tags } : {}),
  };
  return { type: 'aws_lambda_function', key: name, arn, values };
}

function environmentBlock(fn: FunctionConfiguration): ValueObject[] {
  const env = fn.Environment;
  if (!env) return [];
  if (env.Error) {
    // The variables exist but Lambda could not decrypt them for us: unknown, not empty.
    const why = `environment of ${fn.FunctionName} not readable: ${env.Error.ErrorCode ?? 'error'}`;
    return [{ variables: new Unknown(why) }];
  }
  const vars = env.Variables ?? {};
  // variable names are the function's: a null-prototype map, as every map built from input
  return Object.keys(vars).length > 0 ? [{ variables: toDict(vars) }] : [];
}
