import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { LambdaClient, ListFunctionsCommand, ListTagsCommand } from '@aws-sdk/client-lambda';
import { GetBucketPolicyCommand, GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeParametersCommand, GetParameterCommand, ListTagsForResourceCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { Unknown } from '../../src/model/value.js';
import type { Inventory, Resource } from '../../src/model/inventory.js';
import { collectTables } from '../../src/sources/aws/collect/dynamodb.js';
import { collectNetwork } from '../../src/sources/aws/collect/ec2.js';
import { collectIam } from '../../src/sources/aws/collect/iam.js';
import { collectFunctions } from '../../src/sources/aws/collect/lambda.js';
import { collectParameters, collectSecrets } from '../../src/sources/aws/collect/secrets.js';
import { collectTrails } from '../../src/sources/aws/collect/trails.js';
import { callError, mockContext } from './mockctx.js';

// Response shapes follow the AWS API reference of each operation.
const ddb = mockClient(DynamoDBClient);
const ec2 = mockClient(EC2Client);
const iam = mockClient(IAMClient);
const lambda = mockClient(LambdaClient);
const s3 = mockClient(S3Client);
const trail = mockClient(CloudTrailClient);
const secrets = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);
afterEach(() => [ddb, ec2, iam, lambda, s3, trail, secrets, ssm].forEach((m) => m.reset()));

const one = (inv: Inventory, type: string, key: string): Resource => {
  const r = inv.resources.find(
    (x) => x.type === type && (x.values.name === key || x.values.id === key || x.values.function_name === key || x.values.bucket === key),
  );
  if (!r) throw new Error(`${type} ${key} not in inventory: ${inv.resources.map((x) => x.address).join(', ')}`);
  return r;
};
const ARN = (t: string) => `arn:aws:dynamodb:us-east-1:111122223333:table/${t}`;

describe('DynamoDB', () => {
  const table = (name: string, sse?: object) => ({
    Table: {
      TableName: name,
      TableArn: ARN(name),
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
      ...(sse ? { SSEDescription: sse } : {}),
    },
  });

  it('maps encryption, PITR and TTL as Terraform describes them, over paginated listings', async () => {
    ddb
      .on(ListTablesCommand)
      .resolvesOnce({ TableNames: ['ztait-a', 'ztait-b'], LastEvaluatedTableName: 'ztait-b' })
      .resolves({ TableNames: ['ztait-c', 'ztait-d'] });
    ddb
      .on(DescribeTableCommand, { TableName: 'ztait-a' })
      .resolves(table('ztait-a', { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k' }));
    ddb.on(DescribeTableCommand, { TableName: 'ztait-b' }).resolves(table('ztait-b'));
    ddb.on(DescribeTableCommand, { TableName: 'ztait-c' }).resolves(table('ztait-c', { Status: 'ENABLED', SSEType: 'AES256' }));
    ddb.on(DescribeTableCommand, { TableName: 'ztait-d' }).resolves(table('ztait-d', { Status: 'UPDATING', SSEType: 'KMS' }));
    ddb.on(DescribeContinuousBackupsCommand).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' },
      },
    });
    ddb.on(DescribeContinuousBackupsCommand, { TableName: 'ztait-b' }).resolves({
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'DISABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      },
    });
    ddb.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    ddb
      .on(DescribeTimeToLiveCommand, { TableName: 'ztait-a' })
      .resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'expires_at' } });
    const ctx = mockContext();
    await collectTables(ctx);
    const inv = ctx.out.build({});
    const a = one(inv, 'aws_dynamodb_table', 'ztait-a');
    expect(a.address).toBe('aws_dynamodb_table.ztait-a');
    expect(a.arn).toBe(ARN('ztait-a'));
    expect(a.values.server_side_encryption).toEqual([{ enabled: true, kms_key_arn: 'arn:aws:kms:us-east-1:111122223333:key/k' }]);
    expect(a.values.point_in_time_recovery).toEqual([{ enabled: true }]);
    expect(a.values.ttl).toEqual([{ attribute_name: 'expires_at', enabled: true }]);
    const b = one(inv, 'aws_dynamodb_table', 'ztait-b');
    expect(b.values.server_side_encryption).toEqual([{ enabled: false, kms_key_arn: '' }]); // AWS-owned key
    expect(b.values.point_in_time_recovery).toEqual([{ enabled: false }]);
    expect(b.values.ttl).toEqual([{ attribute_name: '', enabled: false }]);
    expect(one(inv, 'aws_dynamodb_table', 'ztait-c').values.server_side_encryption).toEqual([{ enabled: false, kms_key_arn: '' }]);
    expect(one(inv, 'aws_dynamodb_table', 'ztait-d').values.server_side_encryption).toBeInstanceOf(Unknown);
    expect(inv.gaps).toBeUndefined();
  });

  it('includes a table outside the prefix only when tagged ztait:system; a failed read is unknown plus a gap', async () => {
    ddb.on(ListTablesCommand).resolves({ TableNames: ['shared', 'other', 'ztait-e'] });
    ddb.on(DescribeTableCommand, { TableName: 'shared' }).resolves(table('shared', { Status: 'ENABLED', SSEType: 'KMS' }));
    ddb.on(DescribeTableCommand, { TableName: 'other' }).resolves(table('other'));
    ddb.on(DescribeTableCommand, { TableName: 'ztait-e' }).resolves(table('ztait-e', { Status: 'ENABLED', SSEType: 'KMS' }));
    ddb.on(ListTagsOfResourceCommand, { ResourceArn: ARN('shared') }).resolves({ Tags: [{ Key: 'ztait:system', Value: 'ztait' }] });
    ddb.on(ListTagsOfResourceCommand, { ResourceArn: ARN('other') }).resolves({ Tags: [{ Key: 'team', Value: 'x' }] });
    ddb
      .on(DescribeContinuousBackupsCommand)
      .rejects(callError('dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeContinuousBackups', 'AccessDeniedException', 400));
    ddb.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    const ctx = mockContext();
    const scoped = await collectTables(ctx);
    expect(scoped.map((t) => t.name)).toEqual(['shared', 'ztait-e']);
    const inv = ctx.out.build({});
    expect(one(inv, 'aws_dynamodb_table', 'shared').values.tags).toEqual({ 'ztait:system': 'ztait' });
    const pitr = one(inv, 'aws_dynamodb_table', 'ztait-e').values.point_in_time_recovery;
    expect(pitr).toBeInstanceOf(Unknown);
    expect((pitr as Unknown).reason).toBe(
      'dynamodb:DescribeContinuousBackups failed: AccessDeniedException (missing permission dynamodb:DescribeContinuousBackups)',
    );
    expect(Object.keys(inv.gaps ?? {})).toEqual(['aws_dynamodb_table.point_in_time_recovery']);
  });

  it('a failed listing is a gap on the whole type, and nothing is invented', async () => {
    ddb.on(ListTablesCommand).rejects(callError('dynamodb:ListTables', 'dynamodb:ListTables', 'AccessDeniedException', 400));
    const ctx = mockContext();
    await collectTables(ctx);
    const inv = ctx.out.build({});
    expect(inv.resources).toEqual([]);
    expect(inv.gaps).toEqual({
      aws_dynamodb_table: 'dynamodb:ListTables failed: AccessDeniedException (missing permission dynamodb:ListTables)',
    });
  });
});

describe('Lambda and its network', () => {
  it('derives the VPC from the subnets (not VpcConfig.VpcId) and maps environment, egress and routes', async () => {
    lambda.on(ListFunctionsCommand).resolves({
      Functions: [
        {
          FunctionName: 'ztait-fn',
          FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:ztait-fn',
          Role: 'arn:aws:iam::111122223333:role/ztait-fn-role',
          VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'], VpcId: 'vpc-placeholder' },
          Environment: { Variables: { MATURITY_LEVEL: '1' } },
        },
        {
          FunctionName: 'ztait-novpc',
          FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:ztait-novpc',
          Environment: { Error: { ErrorCode: 'KMSAccessDeniedException' } },
        },
        { FunctionName: 'untagged', FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:untagged' },
      ],
    });
    lambda.on(ListTagsCommand).resolves({ Tags: {} });
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-real', CidrBlock: '10.0.1.0/24' }] });
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          GroupName: 'ztait-lambda',
          VpcId: 'vpc-real',
          IpPermissionsEgress: [
            { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
            { IpProtocol: '6', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }], UserIdGroupPairs: [{ GroupId: 'sg-2' }] },
          ],
        },
      ],
    });
    ec2
      .on(DescribeVpcsCommand)
      .resolves({ Vpcs: [{ VpcId: 'vpc-real', CidrBlock: '10.0.0.0/16', OwnerId: '111122223333' }, { VpcId: 'vpc-other' }] });
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        {
          RouteTableId: 'rtb-1',
          VpcId: 'vpc-real',
          Routes: [
            { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable' },
            { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', Origin: 'CreateRoute' },
          ],
          Associations: [
            { Main: true, RouteTableAssociationId: 'rtbassoc-main', RouteTableId: 'rtb-1' },
            { Main: false, RouteTableAssociationId: 'rtbassoc-1', RouteTableId: 'rtb-1', SubnetId: 'subnet-1' },
          ],
        },
      ],
    });
    ec2.on(DescribeNatGatewaysCommand).resolves({
      NatGateways: [
        { NatGatewayId: 'nat-gone', State: 'deleted', VpcId: 'vpc-real' },
        { NatGatewayId: 'nat-1', State: 'available', SubnetId: 'subnet-9', VpcId: 'vpc-real' },
      ],
    });
    ec2
      .on(DescribeInternetGatewaysCommand)
      .resolves({ InternetGateways: [{ InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-real', State: 'attached' }] }] });
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [
        {
          VpcEndpointId: 'vpce-1',
          VpcId: 'vpc-real',
          ServiceName: 'com.amazonaws.us-east-1.dynamodb',
          VpcEndpointType: 'Gateway',
          State: 'Available',
        },
        {
          VpcEndpointId: 'vpce-2',
          VpcId: 'vpc-real',
          ServiceName: 'com.amazonaws.us-east-1.events',
          VpcEndpointType: 'Interface',
          State: 'Failed',
        },
      ],
    });
    const ctx = mockContext();
    const fns = await collectFunctions(ctx);
    expect(fns.map((f) => f.fn.FunctionName)).toEqual(['ztait-fn', 'ztait-novpc']);
    await collectNetwork(ctx, fns);
    const inv = ctx.out.build({});
    const fn = one(inv, 'aws_lambda_function', 'ztait-fn');
    expect(fn.values.vpc_config).toEqual([{ subnet_ids: ['subnet-1'], security_group_ids: ['sg-1'], vpc_id: 'vpc-real' }]);
    expect(fn.values.environment).toEqual([{ variables: { MATURITY_LEVEL: '1' } }]);
    const novpc = one(inv, 'aws_lambda_function', 'ztait-novpc');
    expect(novpc.values.vpc_config).toEqual([]);
    expect(((novpc.values.environment as { variables: unknown }[])[0]!.variables as Unknown).reason).toMatch(/KMSAccessDeniedException/);
    const sg = one(inv, 'aws_security_group', 'sg-1');
    expect(sg.values.egress).toEqual([
      expect.objectContaining({ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'], ipv6_cidr_blocks: [] }),
      expect.objectContaining({ protocol: 'tcp', from_port: 443, to_port: 443, ipv6_cidr_blocks: ['::/0'], security_groups: ['sg-2'] }),
    ]);
    expect(one(inv, 'aws_route_table', 'rtb-1').values.route).toEqual([
      expect.objectContaining({ cidr_block: '0.0.0.0/0', gateway_id: 'igw-1', nat_gateway_id: '' }),
    ]);
    expect(one(inv, 'aws_route_table_association', 'rtbassoc-1').values).toMatchObject({ subnet_id: 'subnet-1', route_table_id: 'rtb-1' });
    expect(one(inv, 'aws_main_route_table_association', 'rtbassoc-main').values).toMatchObject({
      vpc_id: 'vpc-real',
      route_table_id: 'rtb-1',
    });
    expect(inv.resources.filter((r) => r.type === 'aws_nat_gateway').map((r) => r.values.id)).toEqual(['nat-1']);
    expect(inv.resources.filter((r) => r.type === 'aws_vpc_endpoint').map((r) => r.values.id)).toEqual(['vpce-1']);
    expect(inv.limitations).toEqual([expect.stringMatching(/vpce-2 .* is in state Failed and carries no traffic/)]);
    expect(inv.resources.some((r) => r.values.id === 'vpc-other')).toBe(false);
    // Only the function VPC was asked about, by filter.
    const byVpc = ec2.commandCalls(DescribeRouteTablesCommand)[0]!.args[0].input.Filters;
    expect(byVpc).toEqual([{ Name: 'vpc-id', Values: ['vpc-real'] }]);
  });

  it('a subnet lookup that fails leaves the function VPC unknown and every VPC-wide type as a gap', async () => {
    lambda.on(ListFunctionsCommand).resolves({
      Functions: [
        {
          FunctionName: 'ztait-fn',
          FunctionArn: 'arn:aws:lambda:us-east-1:1:function:ztait-fn',
          VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: [] },
        },
      ],
    });
    ec2.on(DescribeSubnetsCommand).rejects(callError('ec2:DescribeSubnets', 'ec2:DescribeSubnets', 'UnauthorizedOperation', 403));
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    const ctx = mockContext();
    await collectNetwork(ctx, await collectFunctions(ctx));
    const inv = ctx.out.build({});
    const vpc = (one(inv, 'aws_lambda_function', 'ztait-fn').values.vpc_config as { vpc_id: unknown }[])[0]!.vpc_id;
    expect((vpc as Unknown).reason).toMatch(/missing permission ec2:DescribeSubnets/);
    expect(Object.keys(inv.gaps ?? {})).toEqual(
      expect.arrayContaining(['aws_subnet', 'aws_route_table', 'aws_vpc_endpoint', 'aws_nat_gateway']),
    );
  });
});

describe('IAM', () => {
  const enc = (o: object) => encodeURIComponent(JSON.stringify(o));
  const boundaryArn = 'arn:aws:iam::111122223333:policy/ztait-boundary';

  it('roles in the namespace or used by functions, with boundary, decoded inline and managed documents', async () => {
    iam.on(ListRolesCommand).resolves({
      Roles: [
        { RoleName: 'ztait-a', Arn: 'arn:aws:iam::111122223333:role/ztait-a', Path: '/', RoleId: 'R1', CreateDate: new Date(0) },
        { RoleName: 'runner', Arn: 'arn:aws:iam::111122223333:role/runner', Path: '/', RoleId: 'R2', CreateDate: new Date(0) },
        { RoleName: 'unrelated', Arn: 'arn:aws:iam::111122223333:role/unrelated', Path: '/', RoleId: 'R3', CreateDate: new Date(0) },
        {
          RoleName: 'AWSServiceRoleForX',
          Arn: 'arn:aws:iam::111122223333:role/aws-service-role/x/AWSServiceRoleForX',
          Path: '/aws-service-role/x/',
          RoleId: 'R4',
          CreateDate: new Date(0),
        },
      ],
    });
    iam.on(GetRoleCommand, { RoleName: 'ztait-a' }).resolves({
      Role: {
        RoleName: 'ztait-a',
        Arn: 'arn:aws:iam::111122223333:role/ztait-a',
        Path: '/',
        RoleId: 'R1',
        CreateDate: new Date(0),
        AssumeRolePolicyDocument: enc({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
        PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: boundaryArn },
      },
    });
    iam.on(GetRoleCommand, { RoleName: 'runner' }).resolves({
      Role: { RoleName: 'runner', Arn: 'arn:aws:iam::111122223333:role/runner', Path: '/', RoleId: 'R2', CreateDate: new Date(0) },
    });
    iam.on(GetRoleCommand, { RoleName: 'unrelated' }).resolves({
      Role: {
        RoleName: 'unrelated',
        Arn: 'arn:aws:iam::111122223333:role/unrelated',
        Path: '/',
        RoleId: 'R3',
        CreateDate: new Date(0),
        Tags: [],
      },
    });
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    iam.on(ListRolePoliciesCommand, { RoleName: 'ztait-a' }).resolves({ PolicyNames: ['inline'] });
    iam.on(GetRolePolicyCommand).resolves({
      RoleName: 'ztait-a',
      PolicyName: 'inline',
      PolicyDocument: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: '*' }] }),
    });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    iam
      .on(ListAttachedRolePoliciesCommand, { RoleName: 'ztait-a' })
      .resolves({ AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', PolicyName: 'ReadOnlyAccess' }] });
    iam
      .on(GetPolicyCommand, { PolicyArn: boundaryArn })
      .resolves({ Policy: { PolicyName: 'ztait-boundary', Arn: boundaryArn, DefaultVersionId: 'v2' } });
    iam
      .on(GetPolicyCommand, { PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })
      .resolves({ Policy: { PolicyName: 'ReadOnlyAccess', Arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', DefaultVersionId: 'v9' } });
    iam.on(GetPolicyVersionCommand, { PolicyArn: boundaryArn, VersionId: 'v2' }).resolves({
      PolicyVersion: { Document: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:*', Resource: '*' }] }) },
    });
    iam
      .on(GetPolicyVersionCommand, { PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })
      .rejects(callError('iam:GetPolicyVersion', 'iam:GetPolicyVersion', 'AccessDenied', 403));

    const ctx = mockContext();
    const roles = await collectIam(ctx, ['arn:aws:iam::111122223333:role/runner']);
    expect(roles.map((r) => r.name).sort()).toEqual(['runner', 'ztait-a']);
    const inv = ctx.out.build({});
    const a = one(inv, 'aws_iam_role', 'ztait-a');
    expect(a.values.permissions_boundary).toBe(boundaryArn);
    expect(JSON.parse(a.values.assume_role_policy as string).Statement[0].Principal.Service).toBe('lambda.amazonaws.com');
    expect(a.values.inline_policy).toEqual([
      {
        name: 'inline',
        policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: '*' }] }),
      },
    ]);
    expect(one(inv, 'aws_iam_role', 'runner').values.permissions_boundary).toBeNull();
    expect(one(inv, 'aws_iam_role_policy_attachment', 'ztait-a--ReadOnlyAccess').values).toMatchObject({
      role: 'ztait-a',
      policy_arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    });
    expect(JSON.parse(one(inv, 'aws_iam_policy', 'ztait-boundary').values.policy as string).Statement[0].Effect).toBe('Deny');
    const ro = one(inv, 'aws_iam_policy', 'ReadOnlyAccess');
    expect(ro.values.policy).toBeInstanceOf(Unknown);
    expect(inv.gaps).toEqual({
      'aws_iam_policy.policy': 'iam:GetPolicyVersion failed: AccessDenied (missing permission iam:GetPolicyVersion)',
    });
    expect(iam.commandCalls(GetRoleCommand, { RoleName: 'AWSServiceRoleForX' })).toHaveLength(0);
  });

  it('a role whose GetRole fails keeps an unknown boundary, never "none"', async () => {
    iam
      .on(ListRolesCommand)
      .resolves({ Roles: [{ RoleName: 'ztait-a', Arn: 'arn:aws:iam::1:role/ztait-a', Path: '/', RoleId: 'R', CreateDate: new Date(0) }] });
    iam.on(GetRoleCommand).rejects(callError('iam:GetRole', 'iam:GetRole', 'AccessDenied', 403));
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    const ctx = mockContext();
    await collectIam(ctx, []);
    const inv = ctx.out.build({});
    expect(one(inv, 'aws_iam_role', 'ztait-a').values.permissions_boundary).toBeInstanceOf(Unknown);
    expect(Object.keys(inv.gaps ?? {})).toEqual(['aws_iam_role.permissions_boundary']);
  });
});

describe('CloudTrail and its bucket', () => {
  it('maps the trail status, a missing bucket policy as none, versioning never enabled as Disabled', async () => {
    trail.on(DescribeTrailsCommand).resolves({
      trailList: [
        {
          Name: 'ztait-trail',
          TrailARN: 'arn:aws:cloudtrail:us-east-1:1:trail/ztait-trail',
          S3BucketName: 'ztait-logs',
          IsMultiRegionTrail: true,
        },
      ],
    });
    trail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    s3.on(GetBucketPolicyCommand).rejects(callError('s3:GetBucketPolicy', 's3:GetBucketPolicy', 'NoSuchBucketPolicy', 404));
    s3.on(GetBucketVersioningCommand).resolves({});
    const ctx = mockContext();
    await collectTrails(ctx);
    const inv = ctx.out.build({});
    expect(one(inv, 'aws_cloudtrail', 'ztait-trail').values).toMatchObject({
      s3_bucket_name: 'ztait-logs',
      is_multi_region_trail: true,
      enable_logging: true,
    });
    expect(inv.resources.map((r) => r.type)).toEqual(['aws_cloudtrail', 'aws_s3_bucket', 'aws_s3_bucket_versioning']);
    expect(one(inv, 'aws_s3_bucket_versioning', 'ztait-logs').values.versioning_configuration).toEqual([
      { status: 'Disabled', mfa_delete: 'Disabled' },
    ]);
    expect(inv.gaps).toBeUndefined();
  });
});

describe('Secrets Manager and SSM', () => {
  it('secrets carry rotation (never values); SecureString parameter values are never asked for', async () => {
    secrets.on(ListSecretsCommand).resolves({
      SecretList: [
        {
          Name: 'ztait-slack',
          ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:ztait-slack-Ab',
          RotationEnabled: true,
          RotationRules: { AutomaticallyAfterDays: 30 },
          RotationLambdaARN: 'arn:rot',
        },
        { Name: 'ztait-norot', ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:ztait-norot-Cd', RotationEnabled: false },
        {
          Name: 'other',
          ARN: 'arn:other',
          Tags: [{ Key: 'ztait:system', Value: '' }],
          RotationEnabled: true,
          RotationRules: { ScheduleExpression: 'rate(10 days)' },
        },
      ],
    });
    ssm.on(DescribeParametersCommand).resolves({
      Parameters: [
        { Name: '/ztait/prompts/triage', Type: 'String', ARN: 'arn:p1' },
        { Name: '/ztait/token', Type: 'SecureString', ARN: 'arn:p2' },
        { Name: 'elsewhere', Type: 'String', ARN: 'arn:p3' },
      ],
    });
    ssm
      .on(GetParameterCommand, { Name: '/ztait/prompts/triage' })
      .resolves({ Parameter: { Name: '/ztait/prompts/triage', Value: 'You are a triage assistant.' } });
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: [] });
    const ctx = mockContext();
    await collectSecrets(ctx);
    await collectParameters(ctx);
    const inv = ctx.out.build({});
    expect(inv.resources.filter((r) => r.type === 'aws_secretsmanager_secret').map((r) => r.values.name)).toEqual([
      'other',
      'ztait-norot',
      'ztait-slack',
    ]);
    expect(
      one(inv, 'aws_secretsmanager_secret_rotation', 'arn:aws:secretsmanager:us-east-1:1:secret:ztait-slack-Ab').values.rotation_rules,
    ).toEqual([{ automatically_after_days: 30, schedule_expression: null, duration: null }]);
    expect(inv.resources.filter((r) => r.type === 'aws_secretsmanager_secret_rotation')).toHaveLength(2);
    const prompt = one(inv, 'aws_ssm_parameter', '/ztait/prompts/triage');
    expect(prompt.address).toBe('aws_ssm_parameter.live["/ztait/prompts/triage"]');
    expect(prompt.values.value).toBe('You are a triage assistant.');
    expect(one(inv, 'aws_ssm_parameter', '/ztait/token').values.value).toBeInstanceOf(Unknown);
    expect(inv.resources.some((r) => r.values.name === 'elsewhere')).toBe(false);
    expect(ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input.Name)).toEqual(['/ztait/prompts/triage']);
  });
});
