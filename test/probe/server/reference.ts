/**
 * The ZTAIT reference architecture as deployed, in AWS API shapes: 7 functions in private subnets
 * of a 3-AZ VPC with a NAT gateway and VPC endpoints, 7 roles under a boundary that denies sts and
 * IAM policy writes, 7 tables with KMS encryption and PITR (dedup with TTL), a multi-region trail to
 * a versioned bucket whose policy denies deletes, an HTTP API with an OKTA JWT authorizer on the
 * dashboard routes and per-source webhook routes, secrets rotating every 30 days. Plus resources
 * outside the namespace the probe must leave out, and one tagged table it must include.
 *
 * `fixtures/accounts/reference.json` is this account (test/probe/fixtures.test.ts keeps them equal);
 * `extra` adds that many more in-scope functions/roles/tables/secrets (for the benchmark).
 */
import type { FixtureAccount } from './account.js';

type Obj = Record<string, unknown>;

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
const arn = (svc: string, res: string, region = REGION): string => `arn:aws:${svc}:${region}:${ACCOUNT}:${res}`;
const tags = (o: Record<string, string>): Obj[] => Object.entries(o).map(([Key, Value]) => ({ Key, Value }));
const SYSTEM = { 'ztait:system': 'ztait' };

const VPC = 'vpc-0a1b2c3d4e5f60001';
const PRIVATE = ['subnet-0private00000001a', 'subnet-0private00000001b', 'subnet-0private00000001c'];
const PUBLIC = ['subnet-0public000000001a', 'subnet-0public000000001b', 'subnet-0public000000001c'];
const SG_LAMBDA = 'sg-0lambda0000000001';
const SG_ENDPOINTS = 'sg-0endpoint00000001';
const IGW = 'igw-0ztait0000000001';
const NAT = 'nat-0ztait0000000001';
const KMS_KEY = arn('kms', 'key/0b8c7e51-6f0a-4c6e-9d3e-7a2f1c0d9e11');
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/ztait-permission-boundary`;
const VPC_ACCESS = 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const TRAIL_BUCKET = `ztait-cloudtrail-${ACCOUNT}`;

export const TABLES = ['incidents', 'audit', 'policies', 'sources', 'settings', 'escalation-rules', 'dedup'];
export const SOURCES = ['github', 'datadog'];
export const INTEGRATIONS = ['servicenow', 'pagerduty', 'mim', 'slack'];
const tableArn = (t: string): string => arn('dynamodb', `table/ztait-${t}`);
const secretArn = (name: string): string => arn('secretsmanager', `secret:${name}-AbCdEf`);

/** Table 3, level 1 (Assisted): what every function's environment carries. */
const MATURITY = {
  MATURITY_LEVEL: '1',
  ACTION_EXECUTION_ENABLED: 'false',
  GATING_REQUIRED_P1_P2: 'true',
  GATING_REQUIRED_P3_P4: 'true',
  DISPLAY_RECOMMENDATIONS: 'true',
  AUTO_REGRESSION_ENABLED: 'false',
  ACCURACY_THRESHOLD: 'n/a',
  MIN_CONFIDENCE_AUTO: 'n/a',
};

const doc = (...Statement: Obj[]): Obj => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[]): Obj => ({ Effect: 'Allow', Action, Resource });
const LAMBDA_TRUST = doc({ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' });

interface FunctionSpec {
  name: string;
  env: Record<string, string>;
  policy: Obj;
}

function functionSpecs(): FunctionSpec[] {
  const webhookSecrets = Object.fromEntries(SOURCES.map((s) => [s, secretArn(`ztait-webhook-${s}`)]));
  return [
    {
      name: 'webhook-receiver',
      env: {
        SIGNATURE_HEADER: 'X-Hub-Signature-256',
        SIGNATURE_ALGORITHM: 'HMAC-SHA256',
        WEBHOOK_SECRET_ARNS: JSON.stringify(webhookSecrets),
        REPLAY_WINDOW_SECONDS: '300',
        DEDUP_TABLE: 'ztait-dedup',
        EVENT_BUS_NAME: 'ztait-events',
      },
      policy: doc(
        allow(['dynamodb:PutItem', 'dynamodb:GetItem'], [tableArn('dedup'), tableArn('sources')]),
        allow('secretsmanager:GetSecretValue', Object.values(webhookSecrets)),
        allow('events:PutEvents', arn('events', 'event-bus/ztait-events')),
      ),
    },
    {
      name: 'triage-engine',
      env: {
        MODEL_ID: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
        GUARDRAIL_ID: 'gr-ztait',
        INCIDENTS_TABLE: 'ztait-incidents',
        AUDIT_TABLE: 'ztait-audit',
      },
      policy: doc(
        allow(['bedrock:InvokeModel', 'bedrock:ApplyGuardrail'], '*'),
        allow(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'], [tableArn('incidents')]),
        allow('dynamodb:PutItem', [tableArn('audit')]),
        allow(['dynamodb:GetItem', 'dynamodb:Query'], [tableArn('settings'), tableArn('policies'), tableArn('escalation-rules')]),
      ),
    },
    ...INTEGRATIONS.map((i) => ({
      name: `action-${i}`,
      env: { INTEGRATION: i, SECRET_ARN: secretArn(`ztait-${i}`), AUDIT_TABLE: 'ztait-audit' },
      policy: doc(allow('secretsmanager:GetSecretValue', secretArn(`ztait-${i}`)), allow('dynamodb:PutItem', tableArn('audit'))),
    })),
    {
      name: 'config-manager',
      env: { SETTINGS_TABLE: 'ztait-settings' },
      policy: doc(
        allow(
          ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
          [tableArn('settings'), tableArn('policies'), tableArn('escalation-rules'), tableArn('sources')],
        ),
        allow(['dynamodb:Query', 'dynamodb:GetItem'], [tableArn('incidents'), tableArn('audit')]),
      ),
    },
  ];
}

function network(): FixtureAccount['ec2'] {
  const subnet = (id: string, cidr: string, az: string, pub: boolean): Obj => ({
    SubnetId: id,
    VpcId: VPC,
    CidrBlock: cidr,
    AvailabilityZone: `${REGION}${az}`,
    MapPublicIpOnLaunch: pub,
    OwnerId: ACCOUNT,
    SubnetArn: arn('ec2', `subnet/${id}`),
    State: 'available',
    Tags: tags({ Name: `ztait-${pub ? 'public' : 'private'}-${az}`, ...SYSTEM }),
  });
  const azs = ['a', 'b', 'c'];
  const endpoint = (id: string, service: string, type: 'Gateway' | 'Interface'): Obj => ({
    VpcEndpointId: id,
    VpcEndpointType: type,
    VpcId: VPC,
    ServiceName: `com.amazonaws.${REGION}.${service}`,
    State: 'available',
    OwnerId: ACCOUNT,
    PrivateDnsEnabled: type === 'Interface',
    RouteTableIds: type === 'Gateway' ? ['rtb-0private000000001'] : [],
    SubnetIds: type === 'Interface' ? PRIVATE : [],
    Groups: type === 'Interface' ? [{ GroupId: SG_ENDPOINTS, GroupName: 'ztait-endpoints' }] : [],
    Tags: tags({ Name: `ztait-${service}`, ...SYSTEM }),
  });
  return {
    Vpcs: [
      {
        VpcId: VPC,
        CidrBlock: '10.0.0.0/16',
        OwnerId: ACCOUNT,
        State: 'available',
        IsDefault: false,
        Tags: tags({ Name: 'ztait-vpc', ...SYSTEM }),
      },
      { VpcId: 'vpc-0default000000001', CidrBlock: '172.31.0.0/16', OwnerId: ACCOUNT, State: 'available', IsDefault: true, Tags: [] },
    ],
    Subnets: [
      ...azs.map((az, i) => subnet(PRIVATE[i]!, `10.0.${i + 1}.0/24`, az, false)),
      ...azs.map((az, i) => subnet(PUBLIC[i]!, `10.0.${101 + i}.0/24`, az, true)),
      {
        SubnetId: 'subnet-0default00000001',
        VpcId: 'vpc-0default000000001',
        CidrBlock: '172.31.0.0/20',
        AvailabilityZone: `${REGION}a`,
        OwnerId: ACCOUNT,
        Tags: [],
      },
    ],
    RouteTables: [
      {
        RouteTableId: 'rtb-0main00000000001',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Routes: [{ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }],
        Associations: [
          {
            Main: true,
            RouteTableAssociationId: 'rtbassoc-0main0000000001',
            RouteTableId: 'rtb-0main00000000001',
            AssociationState: { State: 'associated' },
          },
        ],
        Tags: tags({ Name: 'ztait-main' }),
      },
      {
        RouteTableId: 'rtb-0public000000001',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Routes: [
          { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW, Origin: 'CreateRoute', State: 'active' },
        ],
        Associations: PUBLIC.map((s, i) => ({
          Main: false,
          RouteTableAssociationId: `rtbassoc-0public00000000${i}`,
          RouteTableId: 'rtb-0public000000001',
          SubnetId: s,
          AssociationState: { State: 'associated' },
        })),
        Tags: tags({ Name: 'ztait-public', ...SYSTEM }),
      },
      {
        RouteTableId: 'rtb-0private000000001',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Routes: [
          { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
          { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: NAT, Origin: 'CreateRoute', State: 'active' },
          { DestinationPrefixListId: 'pl-02cd2c6b', GatewayId: 'vpce-0dynamodb00000001', Origin: 'CreateRoute', State: 'active' },
        ],
        Associations: PRIVATE.map((s, i) => ({
          Main: false,
          RouteTableAssociationId: `rtbassoc-0private0000000${i}`,
          RouteTableId: 'rtb-0private000000001',
          SubnetId: s,
          AssociationState: { State: 'associated' },
        })),
        Tags: tags({ Name: 'ztait-private', ...SYSTEM }),
      },
    ],
    NatGateways: [
      {
        NatGatewayId: NAT,
        SubnetId: PUBLIC[0],
        VpcId: VPC,
        State: 'available',
        ConnectivityType: 'public',
        NatGatewayAddresses: [{ AllocationId: 'eipalloc-0ztait000000001', PublicIp: '203.0.113.10', PrivateIp: '10.0.101.10' }],
        Tags: tags({ Name: 'ztait-nat', ...SYSTEM }),
      },
      { NatGatewayId: 'nat-0deleted0000000001', SubnetId: PUBLIC[1], VpcId: VPC, State: 'deleted', ConnectivityType: 'public' },
    ],
    InternetGateways: [
      {
        InternetGatewayId: IGW,
        OwnerId: ACCOUNT,
        Attachments: [{ VpcId: VPC, State: 'available' }],
        Tags: tags({ Name: 'ztait-igw', ...SYSTEM }),
      },
    ],
    SecurityGroups: [
      {
        GroupId: SG_LAMBDA,
        GroupName: 'ztait-lambda',
        Description: 'ZTAIT Lambda functions: HTTPS egress only',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        IpPermissions: [],
        IpPermissionsEgress: [
          {
            IpProtocol: 'tcp',
            FromPort: 443,
            ToPort: 443,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'HTTPS via NAT and endpoints' }],
          },
        ],
        Tags: tags({ Name: 'ztait-lambda', ...SYSTEM }),
      },
      {
        GroupId: SG_ENDPOINTS,
        GroupName: 'ztait-endpoints',
        Description: 'Interface endpoints',
        VpcId: VPC,
        OwnerId: ACCOUNT,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: SG_LAMBDA, UserId: ACCOUNT }] }],
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
        Tags: tags({ Name: 'ztait-endpoints', ...SYSTEM }),
      },
    ],
    VpcEndpoints: [
      endpoint('vpce-0dynamodb00000001', 'dynamodb', 'Gateway'),
      endpoint('vpce-0secrets000000001', 'secretsmanager', 'Interface'),
      endpoint('vpce-0bedrock000000001', 'bedrock-runtime', 'Interface'),
      endpoint('vpce-0events0000000001', 'events', 'Interface'),
    ],
  };
}

function boundaryDocument(): Obj {
  return doc(
    {
      Sid: 'AllowWorkloadServices',
      Effect: 'Allow',
      Action: [
        'dynamodb:*',
        'secretsmanager:GetSecretValue',
        'events:PutEvents',
        'bedrock:*',
        'logs:*',
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
        'xray:*',
      ],
      Resource: '*',
    },
    {
      Sid: 'DenyRoleAssumption',
      Effect: 'Deny',
      Action: ['sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:AssumeRoleWithSAML'],
      Resource: '*',
    },
    {
      Sid: 'DenyIamPolicyChanges',
      Effect: 'Deny',
      Action: [
        'iam:CreatePolicy',
        'iam:CreatePolicyVersion',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
        'iam:SetDefaultPolicyVersion',
        'iam:PutRolePolicy',
        'iam:DeleteRolePolicy',
        'iam:AttachRolePolicy',
        'iam:DetachRolePolicy',
        'iam:PutRolePermissionsBoundary',
        'iam:DeleteRolePermissionsBoundary',
        'iam:CreateRole',
        'iam:UpdateAssumeRolePolicy',
      ],
      Resource: '*',
    },
    {
      Sid: 'DenyTrailTampering',
      Effect: 'Deny',
      Action: ['cloudtrail:DeleteTrail', 'cloudtrail:StopLogging', 'cloudtrail:UpdateTrail'],
      Resource: '*',
    },
    { Sid: 'DenyVpcChanges', Effect: 'Deny', Action: ['ec2:CreateVpc', 'ec2:DeleteVpc'], Resource: '*' },
    {
      Sid: 'DenyAuditDeletes',
      Effect: 'Deny',
      Action: ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteTable', 'dynamodb:PartiQLDelete'],
      Resource: tableArn('audit'),
    },
  );
}

function fn(spec: FunctionSpec, extraEnv: Record<string, string> = {}): Obj {
  const name = `ztait-${spec.name}`;
  return {
    FunctionName: name,
    FunctionArn: arn('lambda', `function:${name}`),
    Runtime: 'nodejs20.x',
    Role: `arn:aws:iam::${ACCOUNT}:role/${name}-role`,
    Handler: 'index.handler',
    Timeout: 30,
    MemorySize: 512,
    PackageType: 'Zip',
    VpcConfig: { SubnetIds: PRIVATE, SecurityGroupIds: [SG_LAMBDA], VpcId: VPC },
    Environment: { Variables: { ...MATURITY, ...spec.env, ...extraEnv } },
    Tags: SYSTEM,
  };
}

function role(spec: FunctionSpec): Obj {
  const name = `ztait-${spec.name}-role`;
  return {
    RoleName: name,
    RoleId: `AROA${spec.name
      .replace(/[^a-z]/g, '')
      .toUpperCase()
      .slice(0, 12)
      .padEnd(12, 'X')}0001`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    Path: '/',
    CreateDate: '2025-01-15T10:00:00Z',
    AssumeRolePolicyDocument: LAMBDA_TRUST,
    MaxSessionDuration: 3600,
    PermissionsBoundary: { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: BOUNDARY },
    Tags: tags(SYSTEM),
    InlinePolicies: { [`ztait-${spec.name}-policy`]: spec.policy },
    AttachedPolicyArns: [VPC_ACCESS],
  };
}

function table(name: string, opts: { ttl?: string; pitr?: boolean; tagged?: boolean } = {}): Obj {
  return {
    Table: {
      TableName: name,
      TableArn: arn('dynamodb', `table/${name}`),
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(name.endsWith('dedup') ? [] : [{ AttributeName: 'sk', KeyType: 'RANGE' }])],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      SSEDescription: { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: KMS_KEY },
      DeletionProtectionEnabled: true,
    },
    ContinuousBackups: {
      ContinuousBackupsStatus: opts.pitr === false ? 'DISABLED' : 'ENABLED',
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: opts.pitr === false ? 'DISABLED' : 'ENABLED', RecoveryPeriodInDays: 35 },
    },
    TimeToLive: opts.ttl ? { TimeToLiveStatus: 'ENABLED', AttributeName: opts.ttl } : { TimeToLiveStatus: 'DISABLED' },
    Tags: tags(opts.tagged === false ? {} : SYSTEM),
  };
}

function secret(name: string, rotationDays: number | undefined, tagged = true): Obj {
  return {
    ARN: secretArn(name),
    Name: name,
    Description: `ZTAIT ${name}`,
    KmsKeyId: KMS_KEY,
    ...(rotationDays
      ? {
          RotationEnabled: true,
          RotationLambdaARN: arn('lambda', 'function:SecretsManagerRotation'),
          RotationRules: { AutomaticallyAfterDays: rotationDays },
        }
      : { RotationEnabled: false }),
    Tags: tags(tagged ? SYSTEM : {}),
  };
}

export function referenceAccount(opts: { extra?: number } = {}): FixtureAccount {
  const specs = functionSpecs();
  const extra: FunctionSpec[] = Array.from({ length: opts.extra ?? 0 }, (_, i) => ({
    name: `extra-${String(i).padStart(4, '0')}`,
    env: {},
    policy: doc(allow('dynamodb:GetItem', tableArn('settings'))),
  }));
  const receiver = arn('lambda', 'function:ztait-webhook-receiver');
  const manager = arn('lambda', 'function:ztait-config-manager');
  const apiId = 'a1b2c3d4e5';
  const integrationUri = (fnArn: string): string => `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${fnArn}/invocations`;
  const dashboard = ['GET /incidents', 'GET /incidents/{id}', 'POST /incidents/{id}/approve', 'GET /settings', 'PUT /settings'];
  return {
    Account: ACCOUNT,
    Region: REGION,
    Caller: `arn:aws:iam::${ACCOUNT}:user/auditor`,
    AuditRole: { Arn: `arn:aws:iam::${ACCOUNT}:role/ztait-auditor`, ExternalId: 'ztait-external-id' },
    iam: {
      Roles: [
        ...[...specs, ...extra].map(role),
        {
          RoleName: 'legacy-admin',
          RoleId: 'AROALEGACYADMIN00001',
          Arn: `arn:aws:iam::${ACCOUNT}:role/legacy-admin`,
          Path: '/',
          CreateDate: '2019-03-01T00:00:00Z',
          AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }),
          Tags: [],
          AttachedPolicyArns: [ADMIN],
        },
        {
          RoleName: 'AWSServiceRoleForSupport',
          RoleId: 'AROASUPPORT000000001',
          Arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport`,
          Path: '/aws-service-role/support.amazonaws.com/',
          CreateDate: '2019-01-01T00:00:00Z',
          AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { Service: 'support.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        },
      ],
      Policies: [
        {
          PolicyName: 'ztait-permission-boundary',
          Arn: BOUNDARY,
          Path: '/',
          DefaultVersionId: 'v3',
          AttachmentCount: 0,
          PermissionsBoundaryUsageCount: 7,
          Document: boundaryDocument(),
        },
        {
          PolicyName: 'AWSLambdaVPCAccessExecutionRole',
          Arn: VPC_ACCESS,
          Path: '/service-role/',
          DefaultVersionId: 'v3',
          Document: doc(
            allow(
              [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:PutLogEvents',
                'ec2:CreateNetworkInterface',
                'ec2:DescribeNetworkInterfaces',
                'ec2:DescribeSubnets',
                'ec2:DeleteNetworkInterface',
                'ec2:AssignPrivateIpAddresses',
                'ec2:UnassignPrivateIpAddresses',
              ],
              '*',
            ),
          ),
        },
        { PolicyName: 'AdministratorAccess', Arn: ADMIN, Path: '/', DefaultVersionId: 'v1', Document: doc(allow('*', '*')) },
      ],
    },
    ec2: network(),
    lambda: {
      Functions: [
        ...specs.map((s) => fn(s)),
        ...extra.map((s) => fn(s)),
        {
          FunctionName: 'legacy-report-generator',
          FunctionArn: arn('lambda', 'function:legacy-report-generator'),
          Runtime: 'python3.12',
          Role: `arn:aws:iam::${ACCOUNT}:role/legacy-admin`,
          Handler: 'app.handler',
          PackageType: 'Zip',
          Environment: { Variables: { DB_PASSWORD: 'hunter2-do-not-print', SYSTEM_PROMPT: 'You are a legacy reporting bot.' } },
          Tags: { team: 'reports' },
        },
      ],
    },
    dynamodb: {
      Tables: [
        ...TABLES.map((t) => table(`ztait-${t}`, t === 'dedup' ? { ttl: 'expires_at' } : {})),
        table('shared-ztait-sessions'),
        table('legacy-orders', { pitr: false, tagged: false }),
        ...extra.map((_, i) => table(`ztait-extra-${String(i).padStart(4, '0')}`)),
      ],
    },
    s3: {
      Buckets: [
        {
          Name: TRAIL_BUCKET,
          Versioning: { Status: 'Enabled', MFADelete: 'Enabled' },
          Policy: doc(
            {
              Sid: 'AWSCloudTrailAclCheck',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:GetBucketAcl',
              Resource: `arn:aws:s3:::${TRAIL_BUCKET}`,
            },
            {
              Sid: 'AWSCloudTrailWrite',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: `arn:aws:s3:::${TRAIL_BUCKET}/AWSLogs/${ACCOUNT}/*`,
              Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
            },
            {
              Sid: 'DenyLogDeletion',
              Effect: 'Deny',
              Principal: '*',
              Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
              Resource: `arn:aws:s3:::${TRAIL_BUCKET}/*`,
            },
          ),
        },
        { Name: 'legacy-org-trail-logs', Versioning: {} },
      ],
    },
    cloudtrail: {
      Trails: [
        {
          Name: 'ztait-audit-trail',
          TrailARN: arn('cloudtrail', 'trail/ztait-audit-trail'),
          S3BucketName: TRAIL_BUCKET,
          IsMultiRegionTrail: true,
          IncludeGlobalServiceEvents: true,
          LogFileValidationEnabled: true,
          HomeRegion: REGION,
          KmsKeyId: KMS_KEY,
          IsLogging: true,
          Tags: tags(SYSTEM),
        },
        {
          Name: 'org-trail',
          TrailARN: arn('cloudtrail', 'trail/org-trail'),
          S3BucketName: 'legacy-org-trail-logs',
          IsMultiRegionTrail: false,
          HomeRegion: REGION,
          IsLogging: false,
          Tags: [],
        },
      ],
    },
    secretsmanager: {
      Secrets: [
        ...SOURCES.map((s) => secret(`ztait-webhook-${s}`, 30)),
        ...INTEGRATIONS.map((i) => secret(`ztait-${i}`, 30)),
        secret('legacy-db-password', undefined, false),
        ...extra.map((_, i) => secret(`ztait-extra-${String(i).padStart(4, '0')}`, 30)),
      ],
    },
    ssm: {
      Parameters: [
        {
          Name: '/ztait/config/log-level',
          Type: 'String',
          Value: 'INFO',
          ARN: arn('ssm', 'parameter/ztait/config/log-level'),
          Tier: 'Standard',
          DataType: 'text',
        },
        {
          Name: 'shared-feature-flags',
          Type: 'String',
          Value: 'dashboard=on',
          ARN: arn('ssm', 'parameter/shared-feature-flags'),
          Tier: 'Standard',
          DataType: 'text',
          Tags: tags(SYSTEM),
        },
        {
          Name: '/legacy/flag',
          Type: 'String',
          Value: 'You are an old assistant prompt, not ours.',
          ARN: arn('ssm', 'parameter/legacy/flag'),
          Tier: 'Standard',
          DataType: 'text',
          Tags: [],
        },
      ],
    },
    apigatewayv2: {
      Apis: [
        {
          ApiId: apiId,
          Name: 'ztait-api',
          ProtocolType: 'HTTP',
          ApiEndpoint: `https://${apiId}.execute-api.${REGION}.amazonaws.com`,
          RouteSelectionExpression: '$request.method $request.path',
          Tags: SYSTEM,
          Authorizers: [
            {
              AuthorizerId: 'auth0okta',
              Name: 'okta-jwt',
              AuthorizerType: 'JWT',
              IdentitySource: ['$request.header.Authorization'],
              JwtConfiguration: { Issuer: 'https://example.okta.com/oauth2/default', Audience: ['api://ztait'] },
            },
          ],
          Integrations: [
            {
              IntegrationId: 'int0receiver',
              IntegrationType: 'AWS_PROXY',
              IntegrationUri: integrationUri(receiver),
              PayloadFormatVersion: '2.0',
              ConnectionType: 'INTERNET',
            },
            {
              IntegrationId: 'int0manager',
              IntegrationType: 'AWS_PROXY',
              IntegrationUri: manager,
              PayloadFormatVersion: '2.0',
              ConnectionType: 'INTERNET',
            },
          ],
          Routes: [
            ...SOURCES.map((s) => ({
              RouteId: `rt0wh${s}`,
              RouteKey: `POST /webhooks/${s}`,
              AuthorizationType: 'NONE',
              Target: 'integrations/int0receiver',
              ApiKeyRequired: false,
            })),
            ...dashboard.map((k, i) => ({
              RouteId: `rt0dash${i}`,
              RouteKey: k,
              AuthorizationType: 'JWT',
              AuthorizerId: 'auth0okta',
              Target: 'integrations/int0manager',
              ApiKeyRequired: false,
            })),
          ],
        },
        {
          ApiId: 'zz9legacy0',
          Name: 'legacy-api',
          ProtocolType: 'HTTP',
          Tags: {},
          Routes: [{ RouteId: 'rtlegacy', RouteKey: 'GET /', AuthorizationType: 'NONE' }],
          Integrations: [],
          Authorizers: [],
        },
      ],
    },
  };
}
