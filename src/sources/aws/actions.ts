/**
 * The probe's allow-list: every AWS operation the probe may send, and the IAM action that authorises
 * it. The call guard (./session.ts) refuses anything not listed here before a request is built, and
 * `--print-policy` renders the minimal IAM policy from this same list, so the policy and the code
 * cannot drift apart.
 */

/** SDK service ids as this module names them (the IAM service prefix, except API Gateway v2). */
export type ServiceId =
  'sts' | 'iam' | 'ec2' | 'lambda' | 'dynamodb' | 's3' | 'cloudtrail' | 'secretsmanager' | 'apigateway' | 'ssm' | 'organizations';

export interface AllowedAction {
  service: ServiceId;
  /** The API operation (the SDK command name without `Command`). */
  operation: string;
  /** The IAM action that authorises the operation (what the policy grants). */
  iamAction: string;
  /**
   * `collector`: needed by the audited identity (goes into --print-policy);
   * `credentials`: needed only by the caller to obtain the audit role's credentials;
   * `fleet-auditor`: needed only by the identity that sweeps a fleet (`--org`), never by an audited role;
   * `fleet-member`: needed by each member account's audit role in a fleet run, on top of the collectors.
   */
  purpose: 'collector' | 'credentials' | 'fleet-auditor' | 'fleet-member';
  /** What the call is for, shown in the docs and tests. */
  why: string;
}

const c = (service: ServiceId, operation: string, why: string, iamAction = `${service}:${operation}`): AllowedAction => ({
  service,
  operation,
  iamAction,
  purpose: 'collector',
  why,
});

export const READ_ONLY_ACTIONS: readonly AllowedAction[] = [
  c('sts', 'GetCallerIdentity', 'account id and caller ARN recorded in every report'),
  {
    service: 'sts',
    operation: 'AssumeRole',
    iamAction: 'sts:AssumeRole',
    purpose: 'credentials',
    why: 'assume the audit role given with --role-arn, or --role-name in each account of a fleet (session ztait-audit); changes nothing in the account',
  },
  {
    service: 'organizations',
    operation: 'ListAccounts',
    iamAction: 'organizations:ListAccounts',
    purpose: 'fleet-auditor',
    why: 'the active accounts of the Organization (--org), from the management or a delegated administrator account',
  },
  c('iam', 'ListRoles', 'roles in the namespace'),
  c('iam', 'GetRole', 'permissions boundary, tags, trust policy'),
  c('iam', 'ListRolePolicies', 'inline policy names'),
  c('iam', 'GetRolePolicy', 'inline policy documents'),
  c('iam', 'ListAttachedRolePolicies', 'managed policy attachments'),
  c('iam', 'GetPolicy', 'default version of attached and boundary policies'),
  c('iam', 'GetPolicyVersion', 'documents of attached and boundary policies'),
  c('iam', 'SimulatePrincipalPolicy', 'cross-check of SI-3, SI-4, SI-7 with the AWS policy simulator'),
  {
    service: 'ec2',
    operation: 'DescribeRegions',
    iamAction: 'ec2:DescribeRegions',
    purpose: 'fleet-member',
    why: 'the regions enabled in a member account (fleet runs with --regions all-enabled)',
  },
  c('ec2', 'DescribeVpcs', 'VPCs of in-scope functions'),
  c('ec2', 'DescribeSubnets', 'subnets of in-scope functions'),
  c('ec2', 'DescribeRouteTables', 'default routes of function subnets (SI-1)'),
  c('ec2', 'DescribeNatGateways', 'NAT gateways (SI-1)'),
  c('ec2', 'DescribeInternetGateways', 'internet gateways (SI-1)'),
  c('ec2', 'DescribeSecurityGroups', 'egress rules of function security groups (SI-1)'),
  c('ec2', 'DescribeVpcEndpoints', 'VPC endpoints (SI-1)'),
  c('lambda', 'ListFunctions', 'functions, VPC config, environment'),
  c('lambda', 'ListTags', 'ztait:system tag of functions outside the prefix'),
  c('dynamodb', 'ListTables', 'tables'),
  c('dynamodb', 'DescribeTable', 'encryption at rest (SI-5)'),
  c('dynamodb', 'DescribeContinuousBackups', 'point-in-time recovery (SI-6)'),
  c('dynamodb', 'DescribeTimeToLive', 'dedup TTL (SI-10)'),
  c('dynamodb', 'ListTagsOfResource', 'ztait:system tag of tables outside the prefix'),
  c('s3', 'GetBucketPolicy', 'deny-delete policy of the trail bucket (SI-8)'),
  c('s3', 'GetBucketVersioning', 'versioning of the trail bucket (SI-8)'),
  c('cloudtrail', 'DescribeTrails', 'trails and their buckets (SI-8)'),
  c('cloudtrail', 'GetTrailStatus', 'whether a trail is logging (SI-8)'),
  c('cloudtrail', 'ListTags', 'ztait:system tag of trails outside the prefix'),
  c('secretsmanager', 'ListSecrets', 'secrets, tags and rotation (never their values)'),
  c('ssm', 'DescribeParameters', 'parameter metadata (SI-14)'),
  c('ssm', 'GetParameter', 'values of String parameters for prompt detection (never SecureString)'),
  c('ssm', 'ListTagsForResource', 'ztait:system tag of parameters outside the prefix'),
  // API Gateway authorises by HTTP verb on resource paths: every read is apigateway:GET.
  c('apigateway', 'GetApis', 'HTTP APIs', 'apigateway:GET'),
  c('apigateway', 'GetRoutes', 'routes and their authorization (SI-9, SI-11)', 'apigateway:GET'),
  c('apigateway', 'GetIntegrations', 'route targets (SI-9)', 'apigateway:GET'),
  c('apigateway', 'GetAuthorizers', 'JWT authorizers (SI-11)', 'apigateway:GET'),
];

const BY_KEY = new Map(READ_ONLY_ACTIONS.map((a) => [`${a.service}:${a.operation}`, a]));

export function allowedAction(service: ServiceId, operation: string): AllowedAction | undefined {
  return BY_KEY.get(`${service}:${operation}`);
}

/** Operations that read: Get/List/Describe, plus the two named exceptions that change nothing. */
export function isReadOperation(service: ServiceId, operation: string): boolean {
  if (/^(Get|List|Describe)[A-Z]/.test(operation)) return true;
  return (service === 'iam' && operation === 'SimulatePrincipalPolicy') || (service === 'sts' && operation === 'AssumeRole');
}

/**
 * The minimal identity policy the audited principal needs (what `--print-policy` prints); with
 * `fleet`, that of a member account's audit role in a fleet run (the collectors and DescribeRegions).
 */
export function minimalPolicy(opts: { fleet?: boolean } = {}): {
  Version: string;
  Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string }[];
} {
  const wanted = (a: AllowedAction): boolean => a.purpose === 'collector' || (opts.fleet === true && a.purpose === 'fleet-member');
  const actions = [...new Set(READ_ONLY_ACTIONS.filter(wanted).map((a) => a.iamAction))].sort();
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'ZtaitProbeReadOnly', Effect: 'Allow', Action: actions, Resource: '*' }],
  };
}
